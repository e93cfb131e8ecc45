#pragma once

#include <string>

#include "fetchpool/output/run_stats.hpp"

namespace fetchpool {

// How the terminal draws: block characters or '#', colour or not, how wide.
struct TermStyle {
  bool unicode = false;  // UTF-8 locale on a terminal: block characters, '≤' and '×'
  bool color = false;
  int width = 80;
};

// Whether the locale (LC_ALL, else LC_CTYPE, else LANG) is UTF-8.
bool LocaleIsUtf8();
// COLUMNS when set and sane, else the terminal's width when `fd` is one, else 80.
int TerminalWidth(int fd);
// Appends a bar `cells` wide (fractions of a cell drawn with eighth blocks when unicode); any
// non-zero value gets at least a sliver. Returns the columns it took.
int AppendBar(std::string& out, double cells, bool unicode);

// The --stats block: latency histogram (fixed buckets, empty ones at either end left out),
// status distribution, failure kinds, the slowest URLs. Empty when nothing was counted.
std::string FormatStats(const RunStats& stats, const TermStyle& style);

}  // namespace fetchpool
