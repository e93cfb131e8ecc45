#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fetchpool {

enum class HttpVersion { kDefault, kHttp11, kHttp2 };

// Per-transfer settings shared by every worker, filled in by the command line. The defaults
// here are the only ones.
struct FetchOptions {
  double connect_timeout_s = 10.0;
  double timeout_s = 0.0;         // whole transfer, per URL; 0 = none
  double stall_timeout_s = 30.0;  // abort when nothing arrives for this long
  int max_redirects = 10;
  std::optional<std::string> user_agent;  // nullopt: fetchpool/VERSION; "": no header
  // -H lines, as curl takes them ("Name: value", "Name:"), -H @FILE already read; and -u
  // USER:PASSWORD (empty for none). Both go to each listed URL's own host only (see
  // HostPolicies), unless location_trusted.
  std::vector<std::string> headers;
  std::string user;
  bool location_trusted = false;  // --location-trusted: send them on after any redirect
  bool netrc = false;             // --netrc / --netrc-file: per-host credentials, as curl reads
  std::string netrc_file;         // --netrc-file; "" with --netrc: libcurl's ~/.netrc
  bool follow = true;             // follow redirects
  bool insecure = false;          // skip TLS certificate and host name verification
  std::string cacert;             // CA bundle file; empty: libcurl's default
  std::string proxy;              // empty: libcurl's default (the *_proxy environment)
  HttpVersion http_version = HttpVersion::kDefault;
  std::uint64_t max_size = 0;  // largest body accepted; 0: no limit
  bool head = false;           // --head: HEAD first, GET when the server refuses it
  // --each-address: each URL once for every address its host resolves to, each transfer
  // connecting to its one address.
  bool each_address = false;
};

}  // namespace fetchpool
