#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fetchpool/core/input_options.hpp"
#include "fetchpool/input/origin_names.hpp"
#include "fetchpool/input/unified_diff.hpp"
#include "fetchpool/input/url_extractor.hpp"
#include "fetchpool/util/line_cutter.hpp"

namespace fetchpool {

// One URL of a source's line, where the document holds it.
struct LineUrl {
  std::string url;
  std::string_view file;     // the document; empty: the source being read
  std::uint64_t line = 0;    // 1-based, in the document
  std::uint32_t column = 0;  // 1-based, in characters (ColumnOf); 0 for an overlong line
  // The line was over kMaxTextLineBytes: `url` is its kept prefix and "...", and the URLs in it
  // were not read. The reader turns it into one failed job, so the loss is seen.
  bool overlong = false;
};

// The URLs of one source's lines in the text modes (--extract, --input grep, --input diff), with
// their origins: the source's own line for --extract, grep's PATH and LINE, a diff's new file and
// line. The reader and the progress counter both read through it, so they agree on what makes a
// job. With `names`, origin files are interned there (the reader's jobs keep them); without, a
// LineUrl's `file` is valid only during the callback (the counter's).
// Thread-compatible: one per source, on one thread.
class TextUrls {
 public:
  TextUrls(InputMode mode, OriginNames* names) : mode_(mode), names_(names) {}

  // Calls on_url(LineUrl&&) for each URL of the line, left to right; false from it stops, and
  // is returned.
  template <typename OnUrl>
  bool Line(const LineCutter::Line& line, OnUrl&& on_url) {
    const std::optional<Located> at = Locate(line);
    if (!at) return true;
    if (line.overlong) {
      LineUrl overlong{std::string(TrimAsciiSpaceView(at->text)) + "...", at->file, at->line, 0,
                       true};
      return on_url(std::move(overlong));
    }
    return ForEachUrl(at->text, [&](const FoundUrl& found) {
      return on_url(LineUrl{found.url, at->file, at->line, ColumnOf(at->text, found.offset)});
    });
  }

 private:
  // Where a line's text stands in its document; nullopt when it holds no URL to read (not an
  // added line, the second copy of a line rg --vimgrep printed twice).
  struct Located {
    std::string_view file;
    std::uint64_t line = 0;
    std::string_view text;
  };
  std::optional<Located> Locate(const LineCutter::Line& line);
  std::string_view Name(std::string_view name);
  static std::string_view TrimAsciiSpaceView(std::string_view text);

  InputMode mode_;
  OriginNames* names_;
  UnifiedDiff diff_;
  std::size_t last_grep_key_ = 0;  // rg --vimgrep prints a line once per match: read it once
};

}  // namespace fetchpool
