#include "fetchpool/input/text_urls.hpp"

#include <functional>

#include "fetchpool/input/grep_line.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {

std::string_view TextUrls::TrimAsciiSpaceView(std::string_view text) {
  return TrimAsciiSpace(text);
}

std::string_view TextUrls::Name(std::string_view name) {
  return names_ != nullptr ? names_->Intern(name) : name;
}

std::optional<TextUrls::Located> TextUrls::Locate(const LineCutter::Line& line) {
  switch (mode_) {
    case InputMode::kGrep: {
      const std::optional<GrepLine> g = ParseGrepLine(line.text);
      // Not grep's form (a context line of grep -C, grep without -n): the text as it is, at its
      // own place in the input, so no URL is lost.
      if (!g) return Located{{}, line.number, line.text};
      const std::hash<std::string_view> hash;
      const std::size_t key = hash(g->path) ^ (hash(g->text) * 31) ^ (g->line * 0x9e3779b97f4a7c15);
      if (key == last_grep_key_) return std::nullopt;
      last_grep_key_ = key;
      return Located{g->path.empty() ? std::string_view() : Name(g->path), g->line, g->text};
    }
    case InputMode::kDiff: {
      const std::optional<UnifiedDiff::Added> added = diff_.Line(line.text);
      if (!added) return std::nullopt;
      return Located{Name(added->path), added->line, added->text};
    }
    case InputMode::kExtract:
    case InputMode::kLines:
      break;
  }
  return Located{{}, line.number, line.text};
}

}  // namespace fetchpool
