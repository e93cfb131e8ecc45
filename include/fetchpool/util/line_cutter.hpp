#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fetchpool {

// Input lines at most this long are URL lines; a longer one is refused whole, and only
// kShownPrefix bytes of it are kept to show.
inline constexpr std::size_t kMaxLineBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kShownPrefix = 200;
// Text read for the URLs in it (--extract, --input grep|diff) may hold long lines (minified HTML):
// they are cut at this length instead.
inline constexpr std::size_t kMaxTextLineBytes = std::size_t{1024} * 1024;

// Cuts input bytes into lines, the one way the reader and the progress line's counter both
// read them: '\n' ends a line (a last line without one still counts), a UTF-8 BOM before the
// first line is dropped, and a line over the limit (kMaxLineBytes by default) is kept only as its
// first kShownPrefix bytes and marked overlong, so memory stays bounded whatever the input holds.
// Thread-safety: none; one per source, used by one thread.
class LineCutter {
 public:
  explicit LineCutter(std::size_t max_bytes = kMaxLineBytes) : max_bytes_(max_bytes) {}

  struct Line {
    std::string_view text;  // without the '\n'; valid during the callback only
    bool overlong = false;
    std::uint64_t number = 0;  // 1-based
  };

  // Calls `on_line(const Line&)` for each line that `data` completes. Stops, and returns
  // false, as soon as `on_line` returns false.
  template <typename OnLine>
  bool Feed(std::string_view data, OnLine&& on_line) {
    while (!data.empty()) {
      const auto nl = data.find('\n');
      Append(data.substr(0, nl));
      if (nl == std::string_view::npos) return true;
      if (!End(on_line)) return false;
      data.remove_prefix(nl + 1);
    }
    return true;
  }

  // At the end of the input: the last line, if it had no '\n'.
  template <typename OnLine>
  bool Finish(OnLine&& on_line) {
    return pending_.empty() && !overlong_ ? true : End(on_line);
  }

 private:
  void Append(std::string_view piece) {
    if (overlong_) return;
    if (pending_.size() + piece.size() <= max_bytes_) {
      pending_.append(piece);
      return;
    }
    overlong_ = true;
    const std::size_t room = kShownPrefix > pending_.size() ? kShownPrefix - pending_.size() : 0;
    pending_.append(piece.substr(0, room));
    pending_.resize(std::min(pending_.size(), kShownPrefix));
  }

  template <typename OnLine>
  bool End(OnLine& on_line) {
    Line line{pending_, overlong_, ++line_};
    if (line.number == 1 && line.text.starts_with("\xEF\xBB\xBF")) line.text.remove_prefix(3);
    const bool go_on = on_line(static_cast<const Line&>(line));
    pending_.clear();
    overlong_ = false;
    return go_on;
  }

  std::size_t max_bytes_;
  std::string pending_;
  bool overlong_ = false;
  std::uint64_t line_ = 0;
};

}  // namespace fetchpool
