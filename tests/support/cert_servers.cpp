#include "support/cert_servers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <sstream>
#include <stdexcept>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_servers.hpp"

namespace fetchpool::testing {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

constexpr int kStartAttempts = 5;  // another process may take a port between probe and bind

// A P-256 key and a request for `subject`: NAME.key, NAME.csr.
void Request(const fs::path& dir, const std::string& name, const std::string& subject) {
  Openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
           name + ".key", "-out", name + ".csr", "-subj", subject},
          dir);
}

// NAME.pem signed by the CA in section `ca` of ca.cnf, valid from now for `days`, or between two
// dates (YYYYMMDDHHMMSSZ).
void Sign(const fs::path& dir, const std::string& name, const std::string& ca,
          const std::string& extensions, std::vector<std::string> validity) {
  std::vector<std::string> args = {"ca",          "-batch", "-notext",     "-config",  "ca.cnf",
                                   "-name",       ca,       "-extensions", extensions, "-in",
                                   name + ".csr", "-out",   name + ".pem"};
  args.insert(args.end(), validity.begin(), validity.end());
  Openssl(std::move(args), dir);
}

constexpr const char* kCaConfig =
    R"(# Test-only CAs for fetchpool's certificate tests, made fresh by each run.
[root]
database = root.index
new_certs_dir = .
certificate = ca.pem
private_key = ca.key
serial = root.serial
default_md = sha256
policy = any
unique_subject = no
[intermediate]
database = intermediate.index
new_certs_dir = .
certificate = intermediate.pem
private_key = intermediate.key
serial = intermediate.serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[server]
subjectAltName = IP:127.0.0.1, DNS:localhost
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
[sub_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
)";

bool CanConnect(const std::string& address, int port) {
  const bool v6 = address.starts_with('[');
  const std::string bare = v6 ? address.substr(1, address.size() - 2) : address;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool ok = false;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<std::uint16_t>(port));
    ok = ::inet_pton(AF_INET6, bare.c_str(), &a.sin6_addr) == 1 &&
         ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ok = ::inet_pton(AF_INET, bare.c_str(), &a.sin_addr) == 1 &&
         ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ::close(fd);
  return ok;
}

}  // namespace

ExpiryPki ExpiryPki::Generate(const fs::path& dir) {
  WriteFileOrThrow(dir / "ca.cnf", kCaConfig);
  for (const char* db : {"root.index", "intermediate.index"}) WriteFileOrThrow(dir / db, "");
  WriteFileOrThrow(dir / "root.serial", "1000\n");
  WriteFileOrThrow(dir / "intermediate.serial", "2000\n");
  Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj",
           "/CN=fetchpool expiry test CA (test only)"},
          dir);
  Request(dir, "in3", "/CN=expires in 3 days");
  Sign(dir, "in3", "root", "server", {"-days", "3"});
  Request(dir, "in60", "/CN=expires in 60 days");
  Sign(dir, "in60", "root", "server", {"-days", "60"});
  Request(dir, "expired", "/CN=expired");
  Sign(dir, "expired", "root", "server",
       {"-startdate", "20200101000000Z", "-enddate", "20200102000000Z"});
  Request(dir, "intermediate", "/CN=fetchpool intermediate in 5 days (test only)");
  Sign(dir, "intermediate", "root", "sub_ca", {"-days", "5"});
  Request(dir, "chained", "/CN=chained, 60 days");
  Sign(dir, "chained", "intermediate", "server", {"-days", "60"});
  WriteFileOrThrow(dir / "chained-full.pem",
                   ReadFile(dir / "chained.pem") + ReadFile(dir / "intermediate.pem"));
  ExpiryPki pki;
  pki.ca = dir / "ca.pem";
  pki.in_3_days = {dir / "in3.pem", dir / "in3.key"};
  pki.in_60_days = {dir / "in60.pem", dir / "in60.key"};
  pki.expired = {dir / "expired.pem", dir / "expired.key"};
  pki.intermediate_in_5_days = {dir / "chained-full.pem", dir / "chained.key"};
  return pki;
}

SitesServer::SitesServer(const std::string& nginx, const std::vector<Site>& sites) {
  const fs::path d = dir_.path();
  fs::create_directories(d / "tmp");
  ::chmod(d.c_str(), 0755);
  std::string last_error;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    ports_.clear();
    std::ostringstream conf;
    conf << "master_process off;\ndaemon off;\npid " << (d / "nginx.pid").string() << ";\n"
         << "error_log " << (d / "error.log").string() << " warn;\n"
         << "events { worker_connections 256; }\n"
         << "http {\n"
         << "  log_format t '$server_addr $server_port $connection $request_uri';\n"
         << "  access_log " << (d / "access.log").string() << " t;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      conf << "  " << temp << "_temp_path " << (d / "tmp" / temp).string() << ";\n";
    }
    conf << "  keepalive_timeout 60s;\n  keepalive_requests 10000;\n";
    for (const Site& site : sites) {
      ports_.push_back(UnusedLoopbackPort());
      conf << "  server {\n";
      for (const std::string& address : site.addresses) {
        conf << "    listen " << address << ":" << ports_.back() << (site.tls ? " ssl" : "")
             << ";\n";
      }
      if (site.tls) {
        conf << "    ssl_certificate " << site.tls->cert.string() << ";\n"
             << "    ssl_certificate_key " << site.tls->key.string() << ";\n";
      }
      // /to/HOST/REST redirects to REST on HOST, same scheme and port (redirect tests).
      conf << "    location ~ ^/to/([^/]+)/(.*)$ { return 302 $scheme://$1:$server_port/$2; }\n"
           << "    location / { return 200 \"served by $server_addr\\n\"; }\n  }\n";
    }
    conf << "}\n";
    WriteFileOrThrow(d / "nginx.conf", conf.str());
    WriteFileOrThrow(d / "error.log", "");
    SubprocessOptions options;
    options.stdin_pipe = false;
    process_.emplace(Subprocess::Start({nginx, "-p", d.string(), "-c", (d / "nginx.conf").string(),
                                        "-e", (d / "error.log").string()},
                                       options));
    const bool up = Eventually(
        [&] {
          for (std::size_t i = 0; i < sites.size(); ++i) {
            for (const std::string& address : sites[i].addresses) {
              if (!CanConnect(address, ports_[i])) return false;
            }
          }
          return true;
        },
        milliseconds(10000));
    if (up && ReadFile(d / "error.log").find("[emerg]") == std::string::npos) return;
    last_error = ReadFile(d / "error.log") + process_->Wait(milliseconds(2000)).err;
    process_.reset();
  }
  throw std::runtime_error("nginx did not start: " + last_error);
}

SitesServer::~SitesServer() {
  if (process_) {
    process_->Signal(SIGTERM);
    process_->Wait(milliseconds(5000));
  }
}

std::vector<SiteRequest> SitesServer::Requests(const std::string& prefix) const {
  std::vector<SiteRequest> out;
  std::istringstream log(ReadFile(dir_ / "access.log"));
  for (std::string line; std::getline(log, line);) {
    std::istringstream fields(line);
    SiteRequest r;
    fields >> r.address >> r.port >> r.connection >> r.uri;
    if (r.uri.starts_with(prefix)) out.push_back(std::move(r));
  }
  return out;
}

std::vector<SiteRequest> SitesServer::WaitForRequests(const std::string& prefix,
                                                      std::size_t count) const {
  std::vector<SiteRequest> seen;
  Eventually([&] { return (seen = Requests(prefix)).size() >= count; });
  return seen;
}

}  // namespace fetchpool::testing
