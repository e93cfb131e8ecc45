#include "fetchpool/output/json_number.hpp"

#include <charconv>
#include <cstdint>
#include <system_error>

namespace fetchpool {
namespace {

template <typename T>
std::optional<T> Parse(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [at, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || at != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ColumnValue> ParseJsonNumber(std::string_view text) {
  if (text.find_first_of(".eE") == std::string_view::npos) {
    // Integers as RapidJSON gives them: non-negative ones unsigned, negative ones signed.
    if (text.starts_with('-')) {
      if (const auto i = Parse<std::int64_t>(text)) return ColumnValue(*i);
    } else if (const auto u = Parse<std::uint64_t>(text)) {
      return ColumnValue(*u);
    }
  }
  // std::from_chars rounds correctly (RapidJSON's default fast path may be off by one unit in
  // the last place), and refuses what a double cannot hold.
  if (const auto d = Parse<double>(text)) return ColumnValue(*d);
  return std::nullopt;
}

}  // namespace fetchpool
