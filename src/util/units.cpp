#include "fetchpool/util/units.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <string>

#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

// A finite decimal number that is the whole of `text` (strtod alone would accept "inf", hex
// and leading spaces).
std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string copy(text);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::uint64_t> ParseByteSize(std::string_view text) {
  const auto unit_at = text.find_first_not_of("0123456789.");
  const std::optional<double> number = ParseNumber(text.substr(0, unit_at));
  if (!number) return std::nullopt;
  const std::string_view unit = unit_at == std::string_view::npos ? "" : text.substr(unit_at);
  struct Unit {
    std::string_view name;
    double factor;
  };
  static constexpr Unit kUnits[] = {
      {"", 1.0},
      {"b", 1.0},
      {"k", 1024.0},
      {"kb", 1024.0},
      {"kib", 1024.0},
      {"m", 1024.0 * 1024},
      {"mb", 1024.0 * 1024},
      {"mib", 1024.0 * 1024},
      {"g", 1024.0 * 1024 * 1024},
      {"gb", 1024.0 * 1024 * 1024},
      {"gib", 1024.0 * 1024 * 1024},
  };
  double scale = 0;
  for (const Unit& u : kUnits) {
    if (EqualsIgnoreCase(unit, u.name)) scale = u.factor;
  }
  if (scale == 0) return std::nullopt;
  const double bytes = std::floor(*number * scale);
  if (bytes < 1 || bytes > 4611686018427387904.0) return std::nullopt;  // 2^62
  return static_cast<std::uint64_t>(bytes);
}

std::optional<std::chrono::nanoseconds> ParseRate(std::string_view text) {
  const auto slash = text.find('/');
  const std::optional<double> count = ParseNumber(text.substr(0, slash));
  if (!count || *count <= 0) return std::nullopt;
  double period_s = 1;
  if (slash != std::string_view::npos) {
    const std::string_view unit = text.substr(slash + 1);
    if (EqualsIgnoreCase(unit, "s")) {
      period_s = 1;
    } else if (EqualsIgnoreCase(unit, "m")) {
      period_s = 60;
    } else if (EqualsIgnoreCase(unit, "h")) {
      period_s = 3600;
    } else {
      return std::nullopt;
    }
  }
  const double interval_ns = period_s / *count * 1e9;
  if (interval_ns < 1000 || interval_ns > 86400e9) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(interval_ns)));
}

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  const auto unit_at = text.find_first_not_of("0123456789");
  const std::string_view digits = text.substr(0, unit_at);
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  const std::string_view unit = unit_at == std::string_view::npos ? "" : text.substr(unit_at);
  std::int64_t factor = 0;
  if (unit.empty() || unit == "s") {
    factor = 1;
  } else if (unit == "m") {
    factor = 60;
  } else if (unit == "h") {
    factor = 3600;
  } else if (unit == "d") {
    factor = 86400;
  } else {
    return std::nullopt;
  }
  const std::int64_t n = std::stoll(std::string(digits));
  constexpr std::int64_t kMax = 100LL * 366 * 86400;
  if (n <= 0 || n > kMax / factor) return std::nullopt;
  return std::chrono::seconds(n * factor);
}

std::string FormatSize(std::uint64_t bytes) {
  static constexpr std::array<const char*, 3> kUnits = {"KB", "MB", "GB"};
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  // Switch unit when the rounded figure would read 1024.0 or more, so 1048575 bytes is "1.0MB".
  while (unit + 1 < kUnits.size() && value >= 1023.95) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f}{}", value, kUnits[unit]);
}

}  // namespace fetchpool
