// The verdict's rules (see include/fetchpool/verdict/verdict.hpp for how they are used and how to
// add one). Only the verdict subsystem sees this header.
#pragma once

#include <span>
#include <string_view>

#include "fetchpool/core/job.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/core/verdict_options.hpp"

namespace fetchpool::verdict {

// Everything a rule may look at.
struct Evidence {
  const Job& job;  // its per-line checks, its history, why its line is invalid
  const TransferFacts& facts;
  const Saved& saved;
  const VerdictOptions& options;
};

// Settles `verdict` and returns true, or leaves it alone and returns false.
struct OutcomeRule {
  std::string_view name;
  bool (*settle)(const Evidence& evidence, Verdict& verdict);
};

// May amend a settled `verdict`; a rule that reads the URL's history notes what it found in
// `state`.
struct PolicyRule {
  std::string_view name;
  void (*amend)(const Evidence& evidence, Verdict& verdict, StateNote& state);
};

// The tables, in the order their rows run.
std::span<const OutcomeRule> OutcomeRules();
std::span<const PolicyRule> PolicyRules();

}  // namespace fetchpool::verdict
