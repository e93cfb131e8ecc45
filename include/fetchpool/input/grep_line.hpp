#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fetchpool {

// One line of grep -n / grep -rn / rg -n output ("PATH:LINE:TEXT"), of rg --vimgrep
// ("PATH:LINE:COL:TEXT"), of grep -Z ("PATH\0LINE:TEXT"), or of grep -n on one file ("LINE:TEXT",
// no path).
struct GrepLine {
  std::string_view path;        // empty when the line names none
  std::uint64_t line = 0;       // >= 1
  std::string_view text;        // the matched line
  std::size_t text_offset = 0;  // where `text` starts in the grep line
};

// Reads one grep output line; nullopt when it is none of those forms (a context line of grep -C,
// "--", "Binary file x matches"). PATH is the text before the first ":DIGITS:" (or the NUL of
// -Z); a number and a colon after LINE is rg --vimgrep's column, which is skipped (the URLs'
// columns are found in TEXT). Thread-safe: a pure function.
std::optional<GrepLine> ParseGrepLine(std::string_view line);

}  // namespace fetchpool
