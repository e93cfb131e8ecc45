#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fetchpool {

// A URL a request is about to go to (the listed one, or where a redirect leads), with what the
// fetcher decides by: whose settings apply, how to resolve it. A plain value.
struct RequestTarget {
  std::string url;     // absolute, as given to libcurl
  std::string scheme;  // lower case
  std::string host;    // as HostKey keys it
  std::uint16_t port = 0;
  bool ip_literal = false;
};

// nullopt when libcurl's URL parser rejects `url` or it has no host.
std::optional<RequestTarget> ParseRequestTarget(std::string_view url);

// Whether the run's own headers and credentials, meant for `origin`'s host, may go to `next`:
// the same host (ports aside), and never from https down to http (they would cross the network
// in clear). libcurl's own rule is stricter about ports and schemes; this one follows the host,
// as per-host settings do.
bool SameOrigin(const RequestTarget& origin, const RequestTarget& next);

}  // namespace fetchpool
