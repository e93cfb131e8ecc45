#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "fetchpool/util/status.hpp"

namespace fetchpool {

// A config file is a few kilobytes; anything near this is not one.
inline constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;
// Far beyond what a valid config needs ([hosts."NAME"] is 2 levels, a value 1), far below what
// could exhaust the stack: toml++ limits nested arrays and inline tables (256) but not dotted
// keys or table headers, and both its parser and its destructors recurse once per level.
inline constexpr int kMaxConfigNesting = 32;
inline constexpr int kMaxKeyParts = 32;

// Checks the raw text before the TOML parser sees it: its size, brackets nested at most
// kMaxConfigNesting deep and dotted keys of at most kMaxKeyParts parts, outside strings and
// comments. Conservative: it never refuses a file that parses to a valid config, and what it
// lets through nests at most kMaxConfigNesting * kMaxKeyParts tables deep. The message is
// "PATH:LINE: ...".
Status ScanConfigText(std::string_view text, const std::string& path);

}  // namespace fetchpool
