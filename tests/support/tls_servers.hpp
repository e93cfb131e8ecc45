// Real servers for TLS, HTTP/2 and proxy tests of the fetchpool binary: a test PKI made with the
// openssl command at test time, a loopback nginx (TLS + HTTP/2, plus a wrong-name and a plain
// HTTP server) and a loopback tinyproxy. Each listens on an ephemeral port on 127.0.0.1 only and
// runs in its own temporary directory; destroying it stops it.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool::testing {

// The absolute path of `name` in PATH, /usr/sbin or /sbin; empty when it is not installed.
std::string FindProgram(const std::string& name);

// A port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed). Nothing listens
// there until someone binds it: also what a "dead" server's address is.
int UnusedLoopbackPort();

// Runs `openssl ARGS...` in `cwd` (ours when empty); throws std::runtime_error with its stderr
// if it fails.
void Openssl(std::vector<std::string> args, const std::filesystem::path& cwd = {});

// Test-only certificates, generated fresh by the openssl command (never checked in): a test CA,
// a server certificate it signs for 127.0.0.1 and localhost, a certificate it signs for another
// name, and a second CA that signs neither.
struct TestPki {
  std::filesystem::path ca;           // PEM: the test CA (what --cacert is given)
  std::filesystem::path other_ca;     // PEM: an unrelated CA
  std::filesystem::path server_cert;  // for IP:127.0.0.1 and DNS:localhost, signed by `ca`
  std::filesystem::path server_key;
  std::filesystem::path wrong_cert;  // for DNS:wrong.example only, signed by `ca`
  std::filesystem::path wrong_key;

  // Writes the files into `dir`. Throws std::runtime_error with openssl's stderr on failure.
  static TestPki Generate(const std::filesystem::path& dir);
};

// One request as nginx logged it.
struct AccessEntry {
  int port = 0;
  std::string protocol;         // $server_protocol: "HTTP/2.0", "HTTP/1.1"
  bool session_reused = false;  // $ssl_session_reused == "r"
  std::string connection;       // $connection: a serial number per TCP connection
  std::string uri;              // $request_uri
  std::string via;              // the Via header a proxy added, "-" when none
};

// nginx in single-process mode. tls_port serves TLS with HTTP/2 (and HTTP/1.1) using the PKI's
// server certificate; wrong_name_port the same with the wrong-name certificate; plain_port plain
// HTTP/1.1. Every response is 200 "protocol $server_protocol\n" with an X-Protocol header,
// but where `locations` (nginx configuration put in every server block, with @PLAIN_PORT@ and
// @TLS_PORT@ standing for the ports) answers otherwise.
// keepalive is off, so each request is a new connection (and TLS sessions can be resumed).
class NginxServer {
 public:
  // Throws std::runtime_error (with nginx's error log) if it does not come up.
  NginxServer(const std::string& nginx, const TestPki& pki, const std::string& locations = {});
  ~NginxServer();
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  int tls_port() const { return tls_port_; }
  int wrong_name_port() const { return wrong_name_port_; }
  int plain_port() const { return plain_port_; }

  // Every request logged so far whose URI starts with `prefix`.
  std::vector<AccessEntry> Requests(const std::string& prefix = "/") const;
  // Waits up to 10 s until at least `count` requests under `prefix` are logged (nginx writes the
  // log line as it finishes a request, possibly just after the client saw the response).
  std::vector<AccessEntry> WaitForRequests(const std::string& prefix, std::size_t count) const;

 private:
  TempDir dir_;
  int tls_port_ = 0;
  int wrong_name_port_ = 0;
  int plain_port_ = 0;
  std::optional<Subprocess> process_;
};

// tinyproxy in the foreground: an HTTP proxy that adds a Via header and tunnels CONNECT to any
// port, logging each request ("Request (file descriptor N): CONNECT 127.0.0.1:PORT HTTP/1.1").
class TinyProxy {
 public:
  // Throws std::runtime_error if it does not come up.
  explicit TinyProxy(const std::string& tinyproxy);
  ~TinyProxy();
  TinyProxy(const TinyProxy&) = delete;
  TinyProxy& operator=(const TinyProxy&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The request lines logged so far ("GET http://... HTTP/1.1", "CONNECT host:port HTTP/1.1").
  std::vector<std::string> Requests() const;

 private:
  TempDir dir_;
  int port_ = 0;
  std::optional<Subprocess> process_;
};

}  // namespace fetchpool::testing
