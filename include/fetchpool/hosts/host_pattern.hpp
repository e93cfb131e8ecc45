#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fetchpool {

// The name of a config section, [hosts."PATTERN"]: one host exactly ("api.github.com",
// "127.0.0.1", "[::1]") or every subdomain of a domain, at any depth ("*.example.com" matches
// a.example.com and a.b.example.com, not example.com itself). Names are compared as HostKey
// keys them (case-insensitive, an IDN in its ASCII form, no trailing dot); ports do not count.
// A plain value.
struct HostPattern {
  std::string name;  // the host's key; for a wildcard, the domain after "*."
  bool wildcard = false;

  bool Matches(std::string_view host_key) const;
  // The normal spelling: "*.example.com", or the name.
  std::string Text() const;
  bool operator==(const HostPattern&) const = default;
};

// nullopt, with `why` saying what was expected, when `text` is no host pattern: empty, a URL, a
// port, a '*' anywhere but a leading "*.", an empty or overlong label, or characters no host
// name has.
std::optional<HostPattern> ParseHostPattern(std::string_view text, std::string* why);

}  // namespace fetchpool
