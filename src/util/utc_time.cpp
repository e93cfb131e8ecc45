#include "fetchpool/util/utc_time.hpp"

#include <fmt/format.h>

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

std::string IsoUtc(std::chrono::system_clock::time_point t) {
  const std::tm u = Utc(t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", u.tm_year + 1900, u.tm_mon + 1,
                     u.tm_mday, u.tm_hour, u.tm_min, u.tm_sec);
}

std::string IsoUtcDate(std::chrono::system_clock::time_point t) {
  const std::tm u = Utc(t);
  return fmt::format("{:04}-{:02}-{:02}", u.tm_year + 1900, u.tm_mon + 1, u.tm_mday);
}

}  // namespace fetchpool
