#include "fetchpool/util/redact.hpp"

#include <algorithm>

#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

// Where the user information of `url` ends (its last '@' within the authority), or npos.
// The authority starts after "scheme://" (or at the start of text without one, so a URL missing
// its scheme, which is reported as invalid, is redacted too) and ends at '/', '?' or '#'.
struct Userinfo {
  std::size_t begin = std::string_view::npos;
  std::size_t at = std::string_view::npos;  // the '@'
};

Userinfo FindUserinfo(std::string_view url) {
  Userinfo u;
  const std::size_t sep = url.find("://");
  std::size_t begin = 0;
  if (sep != std::string_view::npos) {
    const std::string_view scheme = url.substr(0, sep);
    const bool is_scheme = !scheme.empty() && std::all_of(scheme.begin(), scheme.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '+' || c == '-' || c == '.';
    });
    if (is_scheme) begin = sep + 3;
  }
  const std::size_t end = std::min(url.find_first_of("/?#", begin), url.size());
  const std::size_t at = url.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < begin) return u;
  u.begin = begin;
  u.at = at;
  return u;
}

}  // namespace

bool UrlHasSecret(std::string_view url) {
  if (url.find('@') == std::string_view::npos) return false;
  const Userinfo u = FindUserinfo(url);
  if (u.at == std::string_view::npos) return false;
  const std::string_view info = url.substr(u.begin, u.at - u.begin);
  const std::size_t colon = info.find(':');
  const std::string_view hidden = colon == std::string_view::npos ? info : info.substr(colon + 1);
  return !hidden.empty() && hidden != kRedacted;
}

bool UrlWasRedacted(std::string_view url) {
  if (url.find('@') == std::string_view::npos) return false;
  const Userinfo u = FindUserinfo(url);
  if (u.at == std::string_view::npos) return false;
  const std::string_view info = url.substr(u.begin, u.at - u.begin);
  const std::size_t colon = info.find(':');
  return (colon == std::string_view::npos ? info : info.substr(colon + 1)) == kRedacted;
}

std::string RedactUrl(std::string_view url) {
  if (!UrlHasSecret(url)) return std::string(url);
  const Userinfo u = FindUserinfo(url);
  const std::string_view info = url.substr(u.begin, u.at - u.begin);
  const std::size_t colon = info.find(':');
  std::string out(url.substr(0, u.begin));
  if (colon != std::string_view::npos) {
    out += info.substr(0, colon + 1);
  }
  out += kRedacted;
  out += url.substr(u.at);
  return out;
}

std::string RedactUrlsIn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t word = std::min(text.find_first_not_of(kAsciiSpace, at), text.size());
    out += text.substr(at, word - at);
    const std::size_t end = std::min(text.find_first_of(kAsciiSpace, word), text.size());
    // A quote or bracket before the URL ('http://u:pw@h/') would hide its scheme.
    std::size_t url = word;
    while (url < end && std::string_view("'\"(<[`").find(text[url]) != std::string_view::npos)
      ++url;
    out += text.substr(word, url - word);
    out += RedactUrl(text.substr(url, end - url));
    at = end;
  }
  return out;
}

void SecretSet::Keep(std::string_view value) {
  if (value.size() < kMinLength || value == kRedacted) return;
  if (std::find(values_.begin(), values_.end(), value) != values_.end()) return;
  values_.emplace_back(value);
  std::stable_sort(values_.begin(), values_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void SecretSet::Add(std::string_view value) {
  value = TrimAsciiSpace(value);
  Keep(value);
  std::string_view longest;
  for (std::size_t at = value.find_first_not_of(kAsciiSpace); at != std::string_view::npos;) {
    const std::size_t end = std::min(value.find_first_of(kAsciiSpace, at), value.size());
    const std::string_view word = value.substr(at, end - at);
    if (word.size() > longest.size()) longest = word;
    at = value.find_first_not_of(kAsciiSpace, end);
  }
  if (longest.size() < value.size()) Keep(longest);
}

void SecretSet::AddHeader(std::string_view line) {
  const std::size_t colon = line.find_first_of(":;");
  if (colon == std::string_view::npos) {
    Add(line);  // not a header: all of it may be the secret
    return;
  }
  Add(line.substr(colon + 1));
}

void SecretSet::AddCredentials(std::string_view user_password) {
  const std::size_t colon = user_password.find(':');
  if (colon == std::string_view::npos) {
    Add(user_password);
    return;
  }
  Keep(user_password);
  Add(user_password.substr(colon + 1));
}

void SecretSet::Merge(const SecretSet& other) {
  for (const std::string& value : other.values_) Keep(value);
}

void SecretSet::Scrub(std::string& text) const {
  for (const std::string& secret : values_) {
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kRedacted.size())) {
      text.replace(at, secret.size(), kRedacted);
    }
  }
}

std::string SecretSet::Scrubbed(std::string_view text) const {
  std::string out(text);
  Scrub(out);
  return out;
}

}  // namespace fetchpool
