#pragma once

#include <chrono>

#include "fetchpool/core/retry_policy.hpp"

namespace fetchpool {

// What the dispatcher decides by: retries, per-host limits and fail-fast. A plain value.
struct DispatchOptions {
  RetryOptions retry;
  int per_host = 0;      // 0: no limit beyond the number of workers
  int max_failures = 0;  // 0: never stop early
  bool adaptive = true;  // a host's limit halves on 429 and grows back (off: --no-adaptive)
  std::chrono::nanoseconds per_host_interval{0};  // --per-host-rate, between starts; 0: none
  bool host_stats = false;  // --host-stats: keep totals per host for the whole run
};

// The worker pool: how many transfers at once, and how often they may start. A plain value.
struct PoolOptions {
  int workers = 8;
  std::chrono::nanoseconds rate_interval{0};  // between request starts; 0: no pacing
};

}  // namespace fetchpool
