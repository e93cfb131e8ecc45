// Real servers for the early-warning tests (certificates near expiry, every address behind a
// name): certificates made at test time by the openssl command with chosen lifetimes, and one
// loopback nginx serving any number of sites, each on its own addresses and port, with
// keep-alive on (so several URLs share one connection) and a log of which address and which
// connection served each request.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool::testing {

// A key and a certificate chain file (the leaf first, then what the server sends with it).
struct ServerCert {
  std::filesystem::path cert;
  std::filesystem::path key;
};

// Test-only certificates for 127.0.0.1 and localhost, made fresh by each run under one test CA:
// one that expires in 3 days, one in 60, one that expired in 2020, and one valid for 60 days
// whose intermediate CA (sent with it) expires in 5.
struct ExpiryPki {
  std::filesystem::path ca;  // PEM: what --cacert is given
  ServerCert in_3_days;
  ServerCert in_60_days;
  ServerCert expired;
  ServerCert intermediate_in_5_days;

  // Writes the files into `dir`. Throws std::runtime_error with openssl's stderr on failure.
  static ExpiryPki Generate(const std::filesystem::path& dir);
};

// One nginx server block: where it listens and, for TLS, its certificate. Every response is
// 200 "served by $server_addr\n", but /to/HOST/REST redirects (302) to /REST on HOST, same
// scheme and port.
struct Site {
  std::vector<std::string> addresses;  // "127.0.0.1", "127.0.0.2", "[::1]"
  std::optional<ServerCert> tls;
};

// One request as nginx logged it.
struct SiteRequest {
  std::string address;     // $server_addr: the address the client reached
  int port = 0;            // $server_port
  std::string connection;  // $connection: a serial number per TCP connection
  std::string uri;         // $request_uri
};

// nginx in single-process mode serving `sites`, each on a port of its own (the same port on
// every address of a site), keep-alive on.
class SitesServer {
 public:
  // Throws std::runtime_error (with nginx's error log) if it does not come up.
  SitesServer(const std::string& nginx, const std::vector<Site>& sites);
  ~SitesServer();
  SitesServer(const SitesServer&) = delete;
  SitesServer& operator=(const SitesServer&) = delete;

  // The port of site `i`, in the order given.
  int port(std::size_t i) const { return ports_.at(i); }
  // Every request logged so far whose URI starts with `prefix`.
  std::vector<SiteRequest> Requests(const std::string& prefix = "/") const;
  // Waits up to 10 s until at least `count` requests under `prefix` are logged.
  std::vector<SiteRequest> WaitForRequests(const std::string& prefix, std::size_t count) const;

 private:
  TempDir dir_;
  std::vector<int> ports_;
  std::optional<Subprocess> process_;
};

}  // namespace fetchpool::testing
