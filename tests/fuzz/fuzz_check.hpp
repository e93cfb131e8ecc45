// Shared by the libFuzzer targets: a property check that reports the failed condition and aborts
// (libFuzzer then saves the input as a crash artifact), and the safe-name property of -o names.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fetchpool/output_path.hpp"
#include "fetchpool/utf8.hpp"

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

}  // namespace fetchpool::fuzz
