// Shared by the libFuzzer targets: a property check that reports the failed condition and aborts
// (libFuzzer then saves the input as a crash artifact), and the safe-name property of -o names.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/save/output_path.hpp"
#include "fetchpool/util/utf8.hpp"

#define FUZZ_CHECK(cond)                                                               \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (false)

namespace fetchpool::fuzz {

// Whether `name` is safe to create inside the output directory: not empty, ".", or "..", no '/',
// '\' or control byte (C0, DEL, C1), valid UTF-8, no leading '.' or '-', at most kMaxNameBytes.
inline bool IsSafeName(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > kMaxNameBytes) return false;
  if (name.front() == '.' || name.front() == '-') return false;
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    const std::size_t n = Utf8SequenceLength(name, i);
    if (n == 0 || c < 0x20 || c == 0x7f || c == '/' || c == '\\') return false;
    if (c == 0xc2 && static_cast<unsigned char>(name[i + 1]) <= 0x9f) return false;  // C1
    i += n;
  }
  return true;
}

inline std::string_view AsView(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The input cut at NUL bytes into `n` fields (missing ones empty), for targets that need several
// strings: a result's URL, reason, file name...
inline std::vector<std::string> Fields(std::string_view input, std::size_t n) {
  std::vector<std::string> out(n);
  for (std::size_t i = 0; i < n && !input.empty(); ++i) {
    const std::size_t end = input.find('\0');
    out[i] = std::string(input.substr(0, end));
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  }
  return out;
}

// Whether `text` is well-formed UTF-8 (as Utf8SequenceLength defines it).
inline bool IsUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// IsUtf8 by RFC 3629 alone: U+FFFE and U+FFFF, which fetchpool's own check refuses (a terminal
// may not show them), are valid UTF-8, and JSON keeps them as they are.
inline bool IsRfc3629Utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0 && text.substr(i, 2) == "\xEF\xBF" && i + 2 < text.size() &&
        (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
      n = 3;
    }
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Whether `text` holds a byte or character a terminal acts on: C0 (but for the `allowed` ones),
// DEL or a C1 control (U+0080..U+009F).
inline bool HasControl(std::string_view text, std::string_view allowed = {}) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && allowed.find(static_cast<char>(c)) == std::string_view::npos) || c == 0x7f) {
      return true;
    }
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      return true;
    }
  }
  return false;
}

}  // namespace fetchpool::fuzz
