#include "fetchpool/util/text.hpp"

#include <curl/curl.h>

#include <algorithm>

namespace fetchpool {

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

bool IsHeaderLine(std::string_view line) {
  auto token = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  };
  auto control = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  };
  const std::size_t end = line.find_first_of(":;");
  if (end == std::string_view::npos || end == 0) return false;
  const std::string_view name = line.substr(0, end);
  return std::all_of(name.begin(), name.end(), token) &&
         (line[end] == ':' || end + 1 == line.size()) &&
         std::none_of(line.begin(), line.end(), control);
}

std::string_view TrimAsciiSpace(std::string_view text) {
  const auto first = text.find_first_not_of(kAsciiSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kAsciiSpace) - first + 1);
}

std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string PercentDecode(std::string_view text) {
  std::string copy(text);
  int length = 0;
  char* decoded = curl_easy_unescape(nullptr, copy.c_str(), static_cast<int>(copy.size()), &length);
  if (decoded == nullptr) return copy;  // out of memory: the raw text is the safe answer
  std::string out(decoded, static_cast<std::size_t>(length));
  curl_free(decoded);
  return out;
}

std::string LowerFirstWord(std::string text) {
  if (text.empty() || text[0] < 'A' || text[0] > 'Z') return text;
  // The second character decides: "Connection" is a word, "CONNECT" or "SSL" is not.
  const bool acronym =
      text.size() > 1 && ((text[1] >= 'A' && text[1] <= 'Z') || (text[1] >= '0' && text[1] <= '9'));
  if (!acronym) text[0] = AsciiLower(text[0]);
  return text;
}

}  // namespace fetchpool
