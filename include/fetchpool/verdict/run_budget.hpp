#pragma once

#include <cstdint>
#include <optional>

#include "fetchpool/core/result.hpp"
#include "fetchpool/util/latency_stats.hpp"

namespace fetchpool {

// The run's own verdict, beside the URLs' (Judge): --max-p95 MS fails the run when the 95th
// percentile of its answered results' times is over MS. Answered (Verdict::answered): a whole,
// accepted answer came, even if --slow or --cert-warn then warned about it, so the slow answers
// the budget is about are in it; failures and answers from --state's cache are not.
// Thread-compatible: fed and asked by the printer.
class RunBudget {
 public:
  // nullopt: no budget (Judge() then always says so).
  explicit RunBudget(std::optional<long> max_p95_ms) : max_p95_ms_(max_p95_ms) {}

  void Add(const Result& result);

  struct Outcome {
    long max_p95_ms = 0;
    std::uint64_t answered = 0;
    double p95_ms = 0;  // each answer's own attempt, as --slow reads it
    bool over = false;
  };
  // nullopt without a budget, or when nothing was answered (no p95 to judge).
  std::optional<Outcome> Judge() const;

 private:
  std::optional<long> max_p95_ms_;
  LatencyStats answered_;
};

}  // namespace fetchpool
