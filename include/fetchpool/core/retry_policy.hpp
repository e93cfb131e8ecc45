#pragma once

#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

// --retries, --retry-wait, --retry-max-wait. A plain value.
struct RetryOptions {
  int retries = 0;           // attempts beyond the first
  double wait_s = 1.0;       // backoff base: the first retry waits up to this long
  double max_wait_s = 60.0;  // cap for the backoff and for a server's Retry-After
};

// A Retry-After header value: delta-seconds ("120") or an HTTP date, as a wait from `now`. A date
// in the past means no wait. nullopt when the value is neither.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, std::time_t now);

// Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(retry-1))], where
// `retry` counts from 1 and `unit` is a uniform random number in [0, 1).
std::chrono::milliseconds Backoff(int retry, std::chrono::milliseconds base,
                                  std::chrono::milliseconds cap, double unit);

// How long to wait before retrying after `result` (attempt number transfer.attempts), or nullopt
// when it must not be retried: its verdict is not transient (verdict.hpp says what is), or the
// retries are used up. A Retry-After from the server wins over the backoff; both are capped by
// max_wait_s.
std::optional<std::chrono::milliseconds> RetryDelay(const RetryOptions& options,
                                                    const Result& result, double unit);

}  // namespace fetchpool
