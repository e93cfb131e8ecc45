#include "fetchpool/config/config_scan.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace fetchpool {
namespace {

bool IsKeyByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == ' ' || c == '\t';
}

bool NonAscii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// A small lexer: just enough TOML to tell strings and comments from the rest, count what nests,
// and keep away from toml++ 3.3 the non-ASCII characters its whitespace test mishandles (for
// U+00A1 to U+0499 and others it reaches "unreachable" code: undefined behaviour). That test
// runs on every character outside strings and comments, where TOML allows no non-ASCII one
// anyway, and inside a """ string on the character after a backslash and after a line-ending
// backslash's line break. So the lexer follows TOML's grammar as far as where a string may
// start: a quote anywhere else is part of a bare word, as the parser reads it.
class Scanner {
 public:
  Scanner(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  Status Run() {
    while (at_ < text_.size() && error_.ok()) {
      const char c = text_[at_];
      if (word_ && std::string_view(" \t\r\n,]}#").find(c) == std::string_view::npos) {
        // A bare value (a number, a date, true) runs to its terminator: quotes and brackets in
        // it open nothing, as the parser reads them.
        if (NonAscii(c)) Fail("a non-ASCII character outside a string (quote a key that has one)");
        ++at_;
        prev_ = c;
        continue;
      }
      word_ = false;
      const bool value_start = !key_ && ValueMayStart();
      if ((c == '"' || c == '\'') && (key_ ? KeyMayStart() : value_start)) {
        SkipString(c);  // a quoted key part keeps the dotted run going
        prev_ = c;
        continue;
      }
      if (value_start && std::string_view(" \t\r\n#[{,]}").find(c) == std::string_view::npos) {
        word_ = true;  // a bare value starts here
        if (NonAscii(c)) Fail("a non-ASCII character outside a string (quote a key that has one)");
        ++at_;
        prev_ = c;
        continue;
      }
      ++at_;
      if ((c == '[' || c == '{') && !key_ && !value_start) {
        prev_ = c;  // in no place for a value: the parser stops here, it opens nothing
        continue;
      }
      Step(c);
      if (c != ' ' && c != '\t') prev_ = c;
    }
    return error_;
  }

 private:
  enum class Open { kArray, kTable };

  // Where TOML has a key: at a line's start (outside arrays), after "[" of a table header, after
  // "{" or "," in an inline table, after "." in a dotted key. Where it has a value: after "=",
  // and after "[", "," or a line break in an array.
  bool KeyMayStart() const {
    return std::string_view("\n[{,.").find(prev_) != std::string_view::npos;
  }
  bool ValueMayStart() const {
    const bool in_array = !open_.empty() && open_.back() == Open::kArray;
    return prev_ == '=' ||
           (in_array && std::string_view("[,\n").find(prev_) != std::string_view::npos);
  }

  void Step(char c) {
    if (c == '\n') {
      ++line_;
      if (open_.empty()) key_ = true;  // a new line: a key, a header or nothing
      parts_ = 0;
    } else if (c == '#') {
      SkipComment();
      parts_ = 0;
    } else if (NonAscii(c)) {
      Fail("a non-ASCII character outside a string (quote a key that has one)");
    } else if (c == '.') {
      if (++parts_ >= kMaxKeyParts) Fail("a dotted key of more than {} parts", kMaxKeyParts);
    } else if (c == '=') {
      key_ = false;
      parts_ = 0;
    } else if (c == '[' || c == '{') {
      parts_ = 0;
      OpenBracket(c);
    } else if (c == ']' || c == '}') {
      parts_ = 0;
      if (!open_.empty() && !(key_ && c == ']')) open_.pop_back();
      if (depth_ > 0) --depth_;
    } else if (c == ',') {
      parts_ = 0;
      key_ = !open_.empty() && open_.back() == Open::kTable;
    } else if (!IsKeyByte(c)) {
      parts_ = 0;
    }
  }

  void OpenBracket(char c) {
    if (++depth_ > kMaxConfigNesting) {
      Fail("brackets nested more than {} levels deep", kMaxConfigNesting);
      return;
    }
    if (key_ && c == '[') return;  // a table header: its name is keys
    open_.push_back(c == '[' ? Open::kArray : Open::kTable);
    key_ = c == '{';
  }

  void Fail(std::string_view what, int limit = 0) {
    if (!error_.ok()) return;
    error_ = Status::Error(
        fmt::format("{}:{}: {}", path_, line_, fmt::format(fmt::runtime(what), limit)));
  }

  void SkipComment() {
    while (at_ < text_.size() && text_[at_] != '\n') ++at_;
  }

  // In a """ string, at the character after a backslash: the parser tests it, and when it is
  // blank every blank after it, line breaks included, up to the first character that is not.
  void CheckEscape() {
    std::size_t next = at_;
    while (next < text_.size() &&
           std::string_view(" \t\r\n").find(text_[next]) != std::string_view::npos) {
      ++next;
    }
    if (next < text_.size() && NonAscii(text_[next])) {
      Fail(
          "a non-ASCII character right after a backslash in a \"\"\" string (write it as "
          "\\uXXXX, or start it on the backslash's line)");
    }
  }

  void SkipString(char quote) {
    const bool multi = text_.substr(at_, 3) == std::string(3, quote);
    at_ += multi ? 3 : 1;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\\' && quote == '"') {
        ++at_;
        if (multi) CheckEscape();
        if (at_ < text_.size() && text_[at_] == '\n') ++line_;
        ++at_;
        continue;
      }
      if (c == '\n') {
        ++line_;
        if (!multi) return;  // unterminated: the parser says so
      }
      if (c == quote && (!multi || text_.substr(at_, 3) == std::string(3, quote))) {
        at_ += multi ? 3 : 1;
        return;
      }
      ++at_;
    }
  }

  std::string_view text_;
  const std::string& path_;
  Status error_;
  std::size_t at_ = 0;
  int line_ = 1;
  int depth_ = 0;           // open brackets and braces, table headers included
  int parts_ = 0;           // dots in the current dotted key
  std::vector<Open> open_;  // the arrays and inline tables around here
  bool key_ = true;         // a key may come here (else a value)
  bool word_ = false;       // in a bare value
  char prev_ = '\n';        // the last character outside strings but blanks
};

}  // namespace

Status ScanConfigText(std::string_view text, const std::string& path) {
  if (text.size() > kMaxConfigBytes) {
    return Status::Error(fmt::format("{}: larger than {} KiB; a config file is a few lines", path,
                                     kMaxConfigBytes / 1024));
  }
  return Scanner(text, path).Run();
}

}  // namespace fetchpool
