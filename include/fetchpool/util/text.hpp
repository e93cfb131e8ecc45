#pragma once

#include <string>
#include <string_view>

namespace fetchpool {

// ASCII-only case mapping: URLs, header names and hex digits are ASCII, and the C library's
// tolower() depends on the locale.
char AsciiLower(char c);
std::string AsciiLower(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);

// ASCII white space, as input lines and most text formats count it (C's isspace in the C
// locale); HTTP's optional white space is only space and tab.
inline constexpr std::string_view kAsciiSpace = " \t\r\n\v\f";
std::string_view TrimAsciiSpace(std::string_view text);
std::string_view TrimOws(std::string_view text);

// Whether `line` is a request header as curl's -H takes it: "Name: value", "Name:" (removes one
// libcurl adds) or "Name;" (sends it empty), Name an HTTP token, no control characters.
bool IsHeaderLine(std::string_view line);

// "%41b" -> "Ab", through libcurl's decoder; text that is not an escape stays as it is.
std::string PercentDecode(std::string_view text);

// A message that starts a sentence ("Connection refused") for use mid-line ("connection
// refused"). A first word in capitals ("CONNECT tunnel failed", "SSL", "HTTP/2") is an acronym
// or a name and stays as it is.
std::string LowerFirstWord(std::string text);

}  // namespace fetchpool
