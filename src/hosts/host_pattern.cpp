#include "fetchpool/hosts/host_pattern.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "fetchpool/hosts/host_key.hpp"

namespace fetchpool {
namespace {

constexpr std::size_t kMaxName = 253;
constexpr std::size_t kMaxLabel = 63;

bool IsNameByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || u >= 0x80;  // a UTF-8 name becomes its ASCII form
}

// Why `name` (no '*') is not a host name, or "".
std::string CheckName(std::string_view name) {
  if (name.size() > 1 && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return "a host name";
  if (name.front() == '[') {
    if (name.back() != ']') return "an IPv6 address in brackets, e.g. [::1]";
    const std::string inside(name.substr(1, name.size() - 2));
    in6_addr v6{};
    return ::inet_pton(AF_INET6, inside.c_str(), &v6) == 1 ? std::string()
                                                           : "an IPv6 address in brackets";
  }
  if (name.size() > kMaxName) return "a host name of at most 253 bytes";
  std::size_t label = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool edge = i == 0 || name[i - 1] == '.' || i + 1 == name.size() || name[i + 1] == '.';
    if (c == '-' && edge) return "a host name whose labels neither start nor end with '-'";
    if (c == '.') {
      if (label == 0) return "a host name without empty labels ('..')";
      label = 0;
    } else if (!IsNameByte(c)) {
      return "a host name (letters, digits, '-', '.')";
    } else if (++label > kMaxLabel) {
      return "a host name whose labels have at most 63 bytes";
    }
  }
  if (label == 0) return "a host name without empty labels";
  return {};
}

// Why `text` is no pattern at all, before its name is looked at, or "".
std::string CheckShape(std::string_view text) {
  if (text.empty()) return "a host name or *.DOMAIN, not an empty name";
  if (text.find("://") != std::string_view::npos) {
    return "a host name, not a URL (e.g. \"api.github.com\")";
  }
  if (text.find_first_of("/?#@ \t") != std::string_view::npos) return "a host name, not a URL";
  const bool v6 = text.front() == '[';
  if (!v6 && text.find(':') != std::string_view::npos) {
    return "a host name without a port (a section applies to every port of its host)";
  }
  const std::size_t star = text.find('*');
  if (star != std::string_view::npos &&
      (star != 0 || !text.starts_with("*.") || text.find('*', 1) != std::string_view::npos)) {
    return "'*' only as a leading \"*.\", e.g. \"*.example.com\"";
  }
  return {};
}

}  // namespace

bool HostPattern::Matches(std::string_view host_key) const {
  if (!wildcard) return host_key == name;
  return host_key.size() > name.size() + 1 && host_key.ends_with(name) &&
         host_key[host_key.size() - name.size() - 1] == '.';
}

std::string HostPattern::Text() const { return wildcard ? "*." + name : name; }

std::optional<HostPattern> ParseHostPattern(std::string_view text, std::string* why) {
  std::string problem = CheckShape(text);
  HostPattern pattern;
  if (problem.empty()) {
    pattern.wildcard = text.starts_with("*.");
    const std::string_view name = pattern.wildcard ? text.substr(2) : text;
    problem = CheckName(name);
    if (problem.empty() && pattern.wildcard && name.front() == '[') {
      problem = "a domain after \"*.\", not an address";
    }
    if (problem.empty()) {
      pattern.name = HostKeyOfName(name);
      if (pattern.name.size() > 1 && pattern.name.back() == '.') pattern.name.pop_back();
      // International names are mapped (UTS #46), which may empty a label: check the result too.
      if (!CheckName(pattern.name).empty()) problem = "a host name (its ASCII form is not one)";
    }
  }
  if (!problem.empty()) {
    if (why != nullptr) *why = "expected " + problem;
    return std::nullopt;
  }
  return pattern;
}

}  // namespace fetchpool
