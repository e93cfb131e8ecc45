#include "fetchpool/util/status_set.hpp"

#include <charconv>

namespace fetchpool {
namespace {

std::optional<long> ParseStatus(std::string_view s) {
  long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 100 || v > 999) return std::nullopt;
  return v;
}

}  // namespace

std::optional<StatusSet> StatusSet::Parse(std::string_view text) {
  StatusSet set;
  set.text_ = std::string(text);
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const auto dash = item.find('-');
    const std::optional<long> low = ParseStatus(item.substr(0, dash));
    const std::optional<long> high =
        dash == std::string_view::npos ? low : ParseStatus(item.substr(dash + 1));
    if (!low || !high || *low > *high) return std::nullopt;
    set.ranges_.emplace_back(*low, *high);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return std::nullopt;  // trailing comma
  }
  if (set.ranges_.empty()) return std::nullopt;
  return set;
}

bool StatusSet::Contains(long status) const {
  for (const auto& [low, high] : ranges_) {
    if (status >= low && status <= high) return true;
  }
  return false;
}

bool StatusSet::ContainsRedirect() const {
  for (const auto& [low, high] : ranges_) {
    if (low <= 399 && high >= 300) return true;
  }
  return false;
}

}  // namespace fetchpool
