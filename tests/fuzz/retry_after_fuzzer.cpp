// Retry-After from a server: ParseRetryAfter on arbitrary bytes. A wait is never negative nor
// beyond ten years; delta-seconds mean exactly that many seconds; surrounding spaces and tabs do
// not change the answer; and the answer does not depend on anything but the value and `now`.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "fetchpool/core/retry_policy.hpp"
#include "fuzz_check.hpp"

namespace {

constexpr long long kMaxSeconds = 10LL * 365 * 86400;
constexpr std::time_t kNow = 1'700'000'000;  // a fixed "now": the target must be deterministic

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view value = fetchpool::fuzz::AsView(data, size);
  const auto wait = fetchpool::ParseRetryAfter(value, kNow);
  if (wait) {
    FUZZ_CHECK(wait->count() >= 0);
    FUZZ_CHECK(wait->count() <= kMaxSeconds);
  }
  const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    FUZZ_CHECK(wait.has_value());
    const std::string_view significant =
        value.substr(std::min(value.find_first_not_of('0'), value.size()));
    const long long expected = significant.size() <= 12
                                   ? std::min(kMaxSeconds, std::stoll(std::string(value)))
                                   : kMaxSeconds;
    FUZZ_CHECK(wait->count() == expected);
  }
  const std::string padded = " \t" + std::string(value) + "\t ";
  FUZZ_CHECK(fetchpool::ParseRetryAfter(padded, kNow) == wait);
  FUZZ_CHECK(fetchpool::ParseRetryAfter(value, kNow) == wait);
  return 0;
}
