#pragma once

#include <optional>

#include "fetchpool/core/warn_spec.hpp"
#include "fetchpool/util/status_set.hpp"

namespace fetchpool {

// What the verdict decides by: which answers are ok, and which failures only warn. A plain
// value; a new verdict rule adds its setting here (see verdict/verdict.hpp).
struct VerdictOptions {
  std::optional<StatusSet> accept;  // --accept: statuses that count as ok; nullopt: below 400
  WarnSpec warn;                    // --warn: failures that count as warnings
  int fail_after = 1;   // --fail-after N (with --state): a failure warns until its Nth run in a row
  bool strict = false;  // --strict: a bot wall (blocked) fails instead of warning
  // --cert-warn / --cert-fail DAYS: a certificate (or one of its chain) that expires within
  // this many days makes an ok URL a warning / a failure.
  std::optional<int> cert_warn_days;
  std::optional<int> cert_fail_days;
  std::optional<long> slow_ms;  // --slow MS: an ok answer slower than this is a warning
  // --max-p95 MS: the run fails when the 95th percentile of its answered URLs' times is over
  // this (judged once, at the end: RunBudget).
  std::optional<long> max_p95_ms;
};

}  // namespace fetchpool
