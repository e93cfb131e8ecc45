#include "fetchpool/config/config_scan.hpp"

#include <fmt/format.h>

namespace fetchpool {
namespace {

bool IsKeyByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == ' ' || c == '\t';
}

// A small lexer: just enough TOML to skip strings and comments and count what nests.
class Scanner {
 public:
  Scanner(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  Status Run() {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '"' || c == '\'') {
        SkipString(c);  // a quoted key part keeps the dotted run going
        continue;
      }
      ++at_;
      if (c == '\n') ++line_;
      if (c == '#') {
        SkipComment();
        parts_ = 0;
      } else if (c == '.') {
        if (++parts_ >= kMaxKeyParts)
          return Fail("a dotted key of more than {} parts", kMaxKeyParts);
      } else if (c == '[' || c == '{') {
        parts_ = 0;
        if (++depth_ > kMaxConfigNesting) {
          return Fail("brackets nested more than {} levels deep", kMaxConfigNesting);
        }
      } else if (c == ']' || c == '}') {
        parts_ = 0;
        if (depth_ > 0) --depth_;
      } else if (!IsKeyByte(c)) {
        parts_ = 0;
      }
    }
    return Status::Ok();
  }

 private:
  Status Fail(std::string_view what, int limit) const {
    return Status::Error(
        fmt::format("{}:{}: {}", path_, line_, fmt::format(fmt::runtime(what), limit)));
  }

  void SkipComment() {
    while (at_ < text_.size() && text_[at_] != '\n') ++at_;
  }

  void SkipString(char quote) {
    const bool multi = text_.substr(at_, 3) == std::string(3, quote);
    at_ += multi ? 3 : 1;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\\' && quote == '"') {
        at_ += 2;
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
  std::size_t at_ = 0;
  int line_ = 1;
  int depth_ = 0;  // open brackets and braces
  int parts_ = 0;  // dots in the current dotted key
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
