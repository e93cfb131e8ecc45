#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace fetchpool {

// --help as curl and ripgrep print it: each option's names, its value and one line of meaning,
// wrapped to `width` columns under a hanging indent, then its default as "[default: X]".
// Long-only options line up under the long names of those with a short one. CLI11's own
// formatter adds "Needs:" and "Excludes:" to the names; the conflicts are errors when they
// happen, and the man page states them.
std::string HelpText(const CLI::App& app, int width);

// The width --help wraps to: the terminal's (COLUMNS, else stdout's), kept between 60 and 100 so
// a description stays readable on a narrow terminal and a line short on a wide one.
int HelpWidth();

}  // namespace fetchpool
