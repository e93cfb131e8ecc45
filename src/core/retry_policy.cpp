#include "fetchpool/core/retry_policy.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

using std::chrono::milliseconds;

// Far beyond any cap, small enough that no arithmetic on it overflows.
constexpr long long kMaxSeconds = 10LL * 365 * 86400;

milliseconds SecondsToMs(double s) {
  return milliseconds(static_cast<long long>(std::llround(std::clamp(s, 0.0, 1e9) * 1000.0)));
}

}  // namespace

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, std::time_t now) {
  value = TrimAsciiSpace(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long seconds = 0;
    for (char c : value) {
      seconds = std::min(kMaxSeconds, seconds * 10 + (c - '0'));
    }
    return std::chrono::seconds(seconds);
  }
  // curl_getdate needs a terminated string, and accepts the three date forms HTTP allows.
  const std::string text(value);
  const std::time_t date = curl_getdate(text.c_str(), nullptr);
  if (date == -1) return std::nullopt;
  return std::chrono::seconds(std::clamp<long long>(date - now, 0, kMaxSeconds));
}

milliseconds Backoff(int retry, milliseconds base, milliseconds cap, double unit) {
  // Doubling stops at the cap, so a large retry number cannot overflow.
  milliseconds ceiling = std::min(base, cap);
  for (int i = 1; i < retry && ceiling < cap; ++i) ceiling = std::min(ceiling * 2, cap);
  return milliseconds(
      static_cast<long long>(static_cast<double>(ceiling.count()) * std::clamp(unit, 0.0, 1.0)));
}

std::optional<milliseconds> RetryDelay(const RetryOptions& options, const Result& result,
                                       double unit) {
  if (result.transfer.attempts > options.retries || !result.verdict.transient) return std::nullopt;
  const milliseconds cap = SecondsToMs(options.max_wait_s);
  if (result.transfer.retry_after) {
    return std::min<milliseconds>(
        std::chrono::duration_cast<milliseconds>(*result.transfer.retry_after), cap);
  }
  return Backoff(result.transfer.attempts, SecondsToMs(options.wait_s), cap, unit);
}

}  // namespace fetchpool
