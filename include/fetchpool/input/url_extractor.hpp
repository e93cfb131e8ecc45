#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fetchpool {

// One http(s) URL found in a line of text.
struct FoundUrl {
  std::size_t offset = 0;  // where its text starts in the line, in bytes
  std::size_t length = 0;  // its text's bytes as written (before any decoding); never 0
  // The URL itself: its text with HTML entities decoded in attribute values and backslash
  // escapes (Markdown's, and the few roff uses in URLs: \- \& \% \: \fB \(ti) undone.
  std::string url;
};

// The first URL in `line` that starts at or after byte `from`; false when there is none.
// Every "http://" or "https://" (any case) that starts a word begins a URL. Where it ends depends
// on what precedes it:
//   `](`            a Markdown link: at whitespace or the unbalanced ')' that closes the link
//   `]: ` at the start of a line, a reference definition: at whitespace
//   `<`             an autolink: at '>' (nothing trimmed)
//   `="` or `='`    an attribute value: at the closing quote, entities decoded
//   anything else   a bare URL: at whitespace (Unicode spaces too), one of < > " ` |, curly
//                   quotes, CJK punctuation, or an unbalanced ')' or ']'; then trailing
//                   . , : ; ! ? ' " * _ ~ and a trailing entity (&amp;) are trimmed.
// Thread-safe: a pure function.
bool FindUrl(std::string_view line, std::size_t from, FoundUrl& found);

// Calls on_url(const FoundUrl&) for every URL in `line`, left to right; stops early when it
// returns false (and then returns false).
template <typename OnUrl>
bool ForEachUrl(std::string_view line, OnUrl&& on_url) {
  FoundUrl found;
  for (std::size_t at = 0; FindUrl(line, at, found); at = found.offset + found.length) {
    if (!on_url(static_cast<const FoundUrl&>(found))) return false;
  }
  return true;
}

// The 1-based column of byte `offset` in `line`, counting characters (UTF-8 code points; a byte
// that is not valid UTF-8 counts as one), as SARIF's "unicodeCodePoints" does.
std::uint32_t ColumnOf(std::string_view line, std::size_t offset);

}  // namespace fetchpool
