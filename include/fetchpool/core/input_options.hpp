#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fetchpool/util/enum_names.hpp"
#include "fetchpool/util/shard.hpp"

namespace fetchpool {

// How each input line is read (--input, --extract).
enum class InputMode {
  kLines,    // one URL per line, with optional per-line checks
  kExtract,  // every http(s) URL anywhere in the line
  kGrep,     // grep -n / grep -rn / rg -n / rg --vimgrep output: PATH:LINE[:COL]:TEXT
  kDiff,     // a unified diff: the URLs in added lines
};
inline const EnumNames<InputMode> kInputModeNames = {
    {"lines", InputMode::kLines, "one URL per line"},
    {"extract", InputMode::kExtract, "URLs anywhere"},
    {"grep", InputMode::kGrep, "grep -n or rg output"},
    {"diff", InputMode::kDiff, "a diff's added lines"}};

// Where the URLs come from and which of them this process takes. A plain value.
struct InputOptions {
  std::vector<std::string> files;  // in order; empty or "-" means stdin (unless sitemaps)
  std::optional<Shard> shard;      // --shard K/N; nullopt: every URL
  InputMode mode = InputMode::kLines;
  // --sitemap: files or URLs of sitemaps (urlset or sitemapindex, gzipped or not), read after
  // `files`. With sitemaps and no files, stdin is not read.
  std::vector<std::string> sitemaps;
  bool dedup = false;          // --dedup: fetch each distinct URL once
  std::string baseline;        // --baseline FILE: URLs whose failures are only warnings
  bool baseline_skip = false;  // --baseline-skip: do not fetch those at all
};

}  // namespace fetchpool
