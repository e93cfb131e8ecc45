#include "support/tls_servers.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/temp_dir.hpp"

namespace fetchpool::testing {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

constexpr int kStartAttempts = 5;  // another process may take a port between probe and bind
constexpr milliseconds kStartTimeout{10000};

SubprocessOptions NoStdin() {
  SubprocessOptions options;
  options.stdin_pipe = false;
  return options;
}

bool CanConnect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Waits until every port accepts connections; false on timeout.
bool WaitForPorts(const std::vector<int>& ports) {
  return Eventually(
      [&] {
        for (int port : ports) {
          if (!CanConnect(port)) return false;
        }
        return true;
      },
      kStartTimeout);
}

// The inode of the socket listening on 127.0.0.1:port (from /proc/net/tcp), "" when none.
std::string ListenerInode(int port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the header
  std::ostringstream want;
  want << "0100007F:" << std::hex << std::uppercase;
  want.width(4);
  want.fill('0');
  want << port;
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
    if (state == "0A" && local == want.str()) return inode;  // 0A: LISTEN
  }
  return {};
}

// Whether process `pid` holds the listening socket of every port. Another test's server may
// take a port between our probe and the child's bind; then the port answers, but not ours.
bool OwnsListeners(pid_t pid, const std::vector<int>& ports) {
  std::vector<std::string> links;
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code link_ec;
    links.push_back(fs::read_symlink(fd.path(), link_ec).string());
  }
  for (int port : ports) {
    const std::string inode = ListenerInode(port);
    if (inode.empty() ||
        std::find(links.begin(), links.end(), "socket:[" + inode + "]") == links.end()) {
      return false;
    }
  }
  return true;
}

// A P-256 key and a certificate for `subject`: self-signed (a CA) when ca_cert is empty,
// otherwise signed by ca_cert/ca_key with the extensions in section `ext` of `ext_file`.
void MakeCert(const fs::path& dir, const std::string& name, const std::string& subject,
              const fs::path& ca_cert, const fs::path& ca_key, const std::string& ext) {
  const std::string key = (dir / (name + ".key")).string();
  const std::string cert = (dir / (name + ".pem")).string();
  const std::vector<std::string> new_key = {
      "-newkey", "ec",    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
      key,       "-subj", subject};
  if (ca_cert.empty()) {
    std::vector<std::string> args = {"req", "-x509", "-days", "2", "-out", cert};
    args.insert(args.end(), new_key.begin(), new_key.end());
    Openssl(std::move(args));
    return;
  }
  const std::string csr = (dir / (name + ".csr")).string();
  std::vector<std::string> args = {"req", "-out", csr};
  args.insert(args.end(), new_key.begin(), new_key.end());
  Openssl(std::move(args));
  Openssl({"x509", "-req", "-in", csr, "-CA", ca_cert.string(), "-CAkey", ca_key.string(),
           "-CAcreateserial", "-days", "2", "-out", cert, "-extfile", (dir / "ext.cnf").string(),
           "-extensions", ext});
}

}  // namespace

std::string FindProgram(const std::string& name) {
  std::vector<std::string> dirs;
  const char* path = std::getenv("PATH");
  std::stringstream in(path != nullptr ? path : "");
  for (std::string dir; std::getline(in, dir, ':');) dirs.push_back(dir);
  dirs.insert(dirs.end(), {"/usr/sbin", "/sbin", "/usr/bin"});
  for (const std::string& dir : dirs) {
    const fs::path candidate = fs::path(dir) / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

int UnusedLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind to 127.0.0.1:0 failed");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

void Openssl(std::vector<std::string> args, const fs::path& cwd) {
  // `sh -c 'cd DIR && exec openssl ...'`: the subprocess helper has no working-directory option.
  std::vector<std::string> argv = {"sh", "-c", "cd \"$0\" && shift && exec openssl \"$@\"",
                                   cwd.empty() ? "." : cwd.string(), "openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult r = RunProcess(std::move(argv), {}, milliseconds(60000));
  if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.err);
}

TestPki TestPki::Generate(const fs::path& dir) {
  WriteFileOrThrow(dir / "ext.cnf",
                   "# Test-only certificates for fetchpool's TLS tests, made fresh by each run.\n"
                   "[server]\n"
                   "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
                   "basicConstraints = CA:FALSE\n"
                   "extendedKeyUsage = serverAuth\n"
                   "[wrong]\n"
                   "subjectAltName = DNS:wrong.example\n"
                   "basicConstraints = CA:FALSE\n"
                   "extendedKeyUsage = serverAuth\n");
  MakeCert(dir, "ca", "/CN=fetchpool test CA (test only)", {}, {}, {});
  MakeCert(dir, "other-ca", "/CN=fetchpool unrelated test CA (test only)", {}, {}, {});
  MakeCert(dir, "server", "/CN=127.0.0.1", dir / "ca.pem", dir / "ca.key", "server");
  MakeCert(dir, "wrong", "/CN=wrong.example", dir / "ca.pem", dir / "ca.key", "wrong");
  TestPki pki;
  pki.ca = dir / "ca.pem";
  pki.other_ca = dir / "other-ca.pem";
  pki.server_cert = dir / "server.pem";
  pki.server_key = dir / "server.key";
  pki.wrong_cert = dir / "wrong.pem";
  pki.wrong_key = dir / "wrong.key";
  return pki;
}

namespace {

// `text` with every `name` replaced by `value`.
std::string Substitute(std::string text, const std::string& name, const std::string& value) {
  for (std::size_t at = text.find(name); at != std::string::npos; at = text.find(name, at)) {
    text.replace(at, name.size(), value);
    at += value.size();
  }
  return text;
}

}  // namespace

NginxServer::NginxServer(const std::string& nginx, const TestPki& pki,
                         const std::string& locations) {
  const fs::path d = dir_.path();
  fs::create_directories(d / "tmp");
  ::chmod(d.c_str(), 0755);
  std::string last_error;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    tls_port_ = UnusedLoopbackPort();
    wrong_name_port_ = UnusedLoopbackPort();
    plain_port_ = UnusedLoopbackPort();
    const std::string extra =
        Substitute(Substitute(locations, "@PLAIN_PORT@", std::to_string(plain_port_)), "@TLS_PORT@",
                   std::to_string(tls_port_));
    const std::string response =
        "add_header X-Protocol $server_protocol always; "
        "return 200 \"protocol $server_protocol\\n\";";
    std::ostringstream conf;
    conf << "master_process off;\ndaemon off;\npid " << (d / "nginx.pid").string() << ";\n"
         << "error_log " << (d / "error.log").string() << " warn;\n"
         << "events { worker_connections 256; }\n"
         << "http {\n"
         << "  log_format t '$server_port $server_protocol $ssl_session_reused $connection "
            "$request_uri \"$http_via\"';\n"
         << "  access_log " << (d / "access.log").string() << " t;\n"
         << "  client_body_temp_path " << (d / "tmp/body").string() << ";\n"
         << "  proxy_temp_path " << (d / "tmp/proxy").string() << ";\n"
         << "  fastcgi_temp_path " << (d / "tmp/fastcgi").string() << ";\n"
         << "  uwsgi_temp_path " << (d / "tmp/uwsgi").string() << ";\n"
         << "  scgi_temp_path " << (d / "tmp/scgi").string() << ";\n"
         << "  keepalive_timeout 0;\n"
         << "  ssl_session_cache shared:fetchpool_test:1m;\n"
         << "  server {\n    listen 127.0.0.1:" << tls_port_ << " ssl http2;\n"
         << "    ssl_certificate " << pki.server_cert.string() << ";\n"
         << "    ssl_certificate_key " << pki.server_key.string() << ";\n"
         << extra << "    location / { " << response << " }\n  }\n"
         << "  server {\n    listen 127.0.0.1:" << wrong_name_port_ << " ssl http2;\n"
         << "    ssl_certificate " << pki.wrong_cert.string() << ";\n"
         << "    ssl_certificate_key " << pki.wrong_key.string() << ";\n"
         << extra << "    location / { " << response << " }\n  }\n"
         << "  server {\n    listen 127.0.0.1:" << plain_port_ << ";\n"
         << extra << "    location / { " << response << " }\n  }\n"
         << "}\n";
    WriteFileOrThrow(d / "nginx.conf", conf.str());
    process_.emplace(Subprocess::Start({nginx, "-p", d.string(), "-c", (d / "nginx.conf").string(),
                                        "-e", (d / "error.log").string()},
                                       NoStdin()));
    const std::vector<int> ports{tls_port_, wrong_name_port_, plain_port_};
    if (WaitForPorts(ports) && OwnsListeners(process_->pid(), ports) &&
        ReadFile(d / "error.log").find("[emerg]") == std::string::npos) {
      return;
    }
    last_error = ReadFile(d / "error.log") + process_->Wait(milliseconds(2000)).err;
    process_.reset();
  }
  throw std::runtime_error("nginx did not start: " + last_error);
}

NginxServer::~NginxServer() {
  if (process_) {
    process_->Signal(SIGTERM);
    process_->Wait(milliseconds(5000));  // SIGKILL after that; single process, nothing orphaned
  }
}

std::vector<AccessEntry> NginxServer::Requests(const std::string& prefix) const {
  std::vector<AccessEntry> out;
  std::istringstream log(ReadFile(dir_ / "access.log"));
  for (std::string line; std::getline(log, line);) {
    std::istringstream fields(line);
    AccessEntry e;
    std::string reused;
    fields >> e.port >> e.protocol >> reused >> e.connection >> e.uri;
    std::getline(fields >> std::ws, e.via);
    if (e.via.size() >= 2 && e.via.front() == '"') e.via = e.via.substr(1, e.via.size() - 2);
    e.session_reused = reused == "r";
    if (e.uri.starts_with(prefix)) out.push_back(std::move(e));
  }
  return out;
}

std::vector<AccessEntry> NginxServer::WaitForRequests(const std::string& prefix,
                                                      std::size_t count) const {
  std::vector<AccessEntry> seen;
  Eventually([&] { return (seen = Requests(prefix)).size() >= count; });
  return seen;
}

TinyProxy::TinyProxy(const std::string& tinyproxy) {
  const fs::path d = dir_.path();
  ::chmod(d.c_str(), 0755);  // tinyproxy may drop to an unprivileged user
  const fs::path log = d / "tinyproxy.log";
  std::string last_error;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    port_ = UnusedLoopbackPort();
    WriteFileOrThrow(log, "");
    ::chmod(log.c_str(), 0666);
    // No ConnectPort line: CONNECT is allowed to every port (the test origin's is ephemeral).
    WriteFileOrThrow(d / "tinyproxy.conf",
                     "Port " + std::to_string(port_) +
                         "\nListen 127.0.0.1\nTimeout 30\nLogFile \"" + log.string() +
                         "\"\nLogLevel Connect\nMaxClients 64\nAllow 127.0.0.1\n");
    process_.emplace(
        Subprocess::Start({tinyproxy, "-d", "-c", (d / "tinyproxy.conf").string()}, NoStdin()));
    if (WaitForPorts({port_}) && OwnsListeners(process_->pid(), {port_})) return;
    last_error = ReadFile(log) + process_->Wait(milliseconds(2000)).err;
    process_.reset();
  }
  throw std::runtime_error("tinyproxy did not start: " + last_error);
}

TinyProxy::~TinyProxy() {
  if (process_) {
    process_->Signal(SIGTERM);
    process_->Wait(milliseconds(5000));
  }
}

std::vector<std::string> TinyProxy::Requests() const {
  std::vector<std::string> out;
  std::istringstream log(ReadFile(dir_ / "tinyproxy.log"));
  const std::string marker = "): ";
  for (std::string line; std::getline(log, line);) {
    if (line.find("Request (file descriptor") == std::string::npos) continue;
    out.push_back(line.substr(line.find(marker) + marker.size()));
  }
  return out;
}

}  // namespace fetchpool::testing
