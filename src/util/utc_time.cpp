#include "fetchpool/util/utc_time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace fetchpool {
namespace {

std::tm Utc(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return utc;
}

}  // namespace

std::string IsoUtc(std::chrono::system_clock::time_point t) { return IsoUtc(Utc(t)); }

std::string IsoUtc(const std::tm& u) {
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", u.tm_year + 1900, u.tm_mon + 1,
                     u.tm_mday, u.tm_hour, u.tm_min, u.tm_sec);
}

std::string IsoUtcDate(std::chrono::system_clock::time_point t) {
  const std::tm u = Utc(t);
  return fmt::format("{:04}-{:02}-{:02}", u.tm_year + 1900, u.tm_mon + 1, u.tm_mday);
}

std::optional<std::chrono::system_clock::time_point> ParseIsoUtc(std::string_view text) {
  std::tm utc{};
  int used = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                  &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &used) != 6 ||
      static_cast<std::size_t>(used) != s.size()) {
    return std::nullopt;
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  const std::time_t seconds = timegm(&utc);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return FromUnixSeconds(seconds);
}

std::chrono::system_clock::time_point FromUnixSeconds(std::int64_t unix_seconds) {
  using Clock = std::chrono::system_clock;
  // A day short of the end, so the time left from now can still be counted.
  static const std::int64_t kMost =
      std::chrono::floor<std::chrono::seconds>(Clock::time_point::max().time_since_epoch())
          .count() -
      86'400;
  const std::chrono::seconds s(std::clamp<std::int64_t>(unix_seconds, 0, kMost));
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(s));
}

}  // namespace fetchpool
