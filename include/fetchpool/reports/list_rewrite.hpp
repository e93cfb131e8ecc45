#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "fetchpool/util/status.hpp"

namespace fetchpool {

// One URL to replace in a list: the URL `from` on line `line` (1-based) becomes `to`.
struct UrlReplacement {
  std::uint64_t line = 0;
  std::string from;
  std::string to;
};

// Writes the list `input` to `output` with each replacement made and every other byte as it was:
// comments, blank lines, whitespace, line endings, the checks after a URL, a last line without
// '\n'. A line's URL is its first word, as the reader takes it (after a UTF-8 BOM on line 1).
// The copy goes to a temporary file beside `output`, with `input`'s permissions, and is renamed
// into place, so `output` may be `input` itself and a reader never sees half a list. Writes
// nothing and says why when a line no longer holds the URL it held (the list changed meanwhile).
// `replacements` are in line order.
Status RewriteList(const std::string& input, const std::string& output,
                   std::span<const UrlReplacement> replacements);

// Whether a file can be created beside `output` (its directory exists and is writable), so a
// --rewrite that could not be written is refused before anything is fetched.
Status CheckRewritable(const std::string& output);

}  // namespace fetchpool
