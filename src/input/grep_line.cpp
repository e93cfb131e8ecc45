#include "fetchpool/input/grep_line.hpp"

namespace fetchpool {
namespace {

constexpr std::size_t kMaxDigits = 18;  // below 10^18: no overflow

// The length of the run of digits at text[at] that a ':' follows (0 when there is none), and its
// value.
std::size_t NumberThenColon(std::string_view text, std::size_t at, std::uint64_t& value) {
  std::size_t end = at;
  value = 0;
  while (end < text.size() && end - at <= kMaxDigits && text[end] >= '0' && text[end] <= '9') {
    value = value * 10 + static_cast<std::uint64_t>(text[end] - '0');
    ++end;
  }
  if (end == at || end - at > kMaxDigits || end >= text.size() || text[end] != ':') return 0;
  return end - at;
}

// "LINE:TEXT" or "LINE:COL:TEXT" from text[at].
std::optional<GrepLine> Rest(std::string_view text, std::size_t at, std::string_view path) {
  GrepLine g;
  g.path = path;
  const std::size_t digits = NumberThenColon(text, at, g.line);
  if (digits == 0 || g.line == 0) return std::nullopt;
  at += digits + 1;
  std::uint64_t column = 0;
  if (const std::size_t col = NumberThenColon(text, at, column); col > 0) at += col + 1;
  g.text = text.substr(at);
  g.text_offset = at;
  return g;
}

}  // namespace

std::optional<GrepLine> ParseGrepLine(std::string_view line) {
  if (const std::size_t nul = line.find('\0'); nul != std::string_view::npos && nul > 0) {
    return Rest(line, nul + 1, line.substr(0, nul));
  }
  for (std::size_t colon = line.find(':', 1); colon != std::string_view::npos;
       colon = line.find(':', colon + 1)) {
    if (std::optional<GrepLine> g = Rest(line, colon + 1, line.substr(0, colon))) return g;
  }
  return Rest(line, 0, {});
}

}  // namespace fetchpool
