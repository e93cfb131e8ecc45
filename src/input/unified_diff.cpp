#include "fetchpool/input/unified_diff.hpp"

#include <charconv>

namespace fetchpool {
namespace {

std::string_view WithoutCr(std::string_view line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

// git's C-style quoting of unusual names: "a/t\303\251st \"x\".md".
std::string Unquote(std::string_view quoted) {
  std::string out;
  for (std::size_t i = 1; i < quoted.size() && quoted[i] != '"'; ++i) {
    if (quoted[i] != '\\' || i + 1 >= quoted.size()) {
      out += quoted[i];
      continue;
    }
    const char c = quoted[++i];
    if (c >= '0' && c <= '7' && i + 2 < quoted.size()) {
      out += static_cast<char>(((c - '0') << 6) | ((quoted[i + 1] - '0') << 3) |
                               (quoted[i + 2] - '0'));
      i += 2;
      continue;
    }
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      default:
        out += c;  // \" \\ and anything else: the character itself
    }
  }
  return out;
}

// The name on a "--- " or "+++ " line: unquoted, without diff -u's "\tTIMESTAMP".
std::string HeaderName(std::string_view rest) {
  if (rest.starts_with('"')) return Unquote(rest);
  return std::string(rest.substr(0, rest.find('\t')));
}

// "12" or "12,3" at the start of `text`: the start and count (1 when not given).
bool ParseRange(std::string_view& text, std::uint64_t& start, std::uint64_t& count) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, start);
  if (ec != std::errc() || p == text.data()) return false;
  count = 1;
  if (p < end && *p == ',') {
    const char* digits = p + 1;
    auto [q, ec2] = std::from_chars(digits, end, count);
    if (ec2 != std::errc() || q == digits) return false;
    p = q;
  }
  text.remove_prefix(static_cast<std::size_t>(p - text.data()));
  return true;
}

}  // namespace

bool UnifiedDiff::StartHunk(std::string_view line) {
  // "@@ -a[,b] +c[,d] @@ optional section heading"
  if (!line.starts_with("@@ -")) return false;
  std::string_view rest = line.substr(4);
  std::uint64_t old_start = 0, old_count = 0, new_start = 0, new_count = 0;
  if (!ParseRange(rest, old_start, old_count) || !rest.starts_with(" +")) return false;
  rest.remove_prefix(2);
  if (!ParseRange(rest, new_start, new_count) || !rest.starts_with(" @@")) return false;
  old_left_ = old_count;
  new_left_ = new_count;
  new_line_ = new_start;
  return true;
}

void UnifiedDiff::Header(std::string_view line) {
  line = WithoutCr(line);
  if (line.starts_with("diff --git ")) {
    git_prefixes_ = line.starts_with("diff --git a/");
    old_has_a_prefix_ = false;
    path_.clear();  // until its "+++" line: a pure rename or a binary file has none
  } else if (line.starts_with("--- ")) {
    old_has_a_prefix_ = HeaderName(line.substr(4)).starts_with("a/");
  } else if (line.starts_with("+++ ")) {
    std::string name = HeaderName(line.substr(4));
    if (name == "/dev/null") {
      name.clear();
    } else if ((git_prefixes_ || old_has_a_prefix_) && name.starts_with("b/")) {
      name.erase(0, 2);
    }
    path_ = std::move(name);
  } else if (line.starts_with("diff ") || line.starts_with("Only in ")) {
    path_.clear();  // diff -ru: the next file's headers follow
    git_prefixes_ = false;
  } else {
    StartHunk(line);
  }
}

std::optional<UnifiedDiff::Added> UnifiedDiff::Line(std::string_view line) {
  if (old_left_ == 0 && new_left_ == 0) {
    Header(line);
    return std::nullopt;
  }
  const char kind = line.empty() ? ' ' : line[0];
  switch (kind) {
    case '+':
      if (new_left_ == 0) break;
      --new_left_;
      if (path_.empty()) return std::nullopt;
      return Added{path_, new_line_++, line.substr(1)};
    case '-':
      if (old_left_ == 0) break;
      --old_left_;
      return std::nullopt;
    case ' ':
      if (old_left_ == 0 || new_left_ == 0) break;
      // A context line (some tools strip the space of an empty one).
      --old_left_;
      --new_left_;
      ++new_line_;
      return std::nullopt;
    case '\\':  // "\ No newline at end of file"
      return std::nullopt;
    default:
      break;
  }
  // Not what the hunk's counts allow: the hunk was shorter than it said; read a header.
  old_left_ = new_left_ = 0;
  Header(line);
  return std::nullopt;
}

}  // namespace fetchpool
