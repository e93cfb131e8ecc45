#include "support/private_dns.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "support/cli_runner.hpp"
#include "support/tls_servers.hpp"

namespace fetchpool::testing {
namespace {

using std::chrono::milliseconds;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

sockaddr_in Ipv4(const std::string& address, int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
  return a;
}

// Whether a DNS server on address:53 answers a query for `name` (any answer will do) within
// 100 ms.
bool Answers(const std::string& address, const std::string& name) {
  std::string query("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);  // id, RD, 1 question
  std::istringstream labels(name);
  for (std::string label; std::getline(labels, label, '.');) {
    query += static_cast<char>(label.size());
    query += label;
  }
  query += std::string("\x00\x00\x01\x00\x01", 5);  // root, type A, class IN
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in to = Ipv4(address, 53);
  bool answered = false;
  if (::sendto(fd, query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&to),
               sizeof to) == static_cast<ssize_t>(query.size())) {
    pollfd p{fd, POLLIN, 0};
    char reply[512];
    answered = ::poll(&p, 1, 100) == 1 && ::recv(fd, reply, sizeof reply, 0) > 0;
  }
  ::close(fd);
  return answered;
}

}  // namespace

bool PrivateDns::Available() {
  return ::geteuid() == 0 && !FindProgram("dnsmasq").empty() && !FindProgram("unshare").empty();
}

PrivateDns::PrivateDns(const DnsAnswers& answers) {
  const std::string dnsmasq = FindProgram("dnsmasq");
  if (dnsmasq.empty()) throw std::runtime_error("dnsmasq is not installed (dnsmasq-base)");
  std::mt19937 random(std::random_device{}());
  std::string last_error;
  for (int attempt = 0; attempt < 5 && !dnsmasq_; ++attempt) {
    // An address of its own, so tests running at once never share a server.
    const std::string base = "127." + std::to_string(64 + random() % 128) + "." +
                             std::to_string(1 + random() % 250) + ".";
    address_ = base + "1";
    silent_fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in silent = Ipv4(base + "2", 0);
    socklen_t len = sizeof silent;
    if (silent_fd_ < 0 ||
        ::bind(silent_fd_, reinterpret_cast<sockaddr*>(&silent), sizeof silent) != 0 ||
        ::getsockname(silent_fd_, reinterpret_cast<sockaddr*>(&silent), &len) != 0) {
      throw std::runtime_error("cannot bind the silent DNS server's socket");
    }
    const std::string silent_server = base + "2#" + std::to_string(ntohs(silent.sin_port));
    std::vector<std::string> argv = {dnsmasq,
                                     "--keep-in-foreground",
                                     "--conf-file=/dev/null",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--no-poll",
                                     "--bind-interfaces",
                                     "--listen-address=" + address_,
                                     "--port=53",
                                     "--cache-size=0",
                                     "--user=root",
                                     "--pid-file=" + (dir_ / "dnsmasq.pid"),
                                     "--log-queries",
                                     "--log-facility=" + (dir_ / "dnsmasq.log")};
    for (const auto& [name, ip] : answers.addresses)
      argv.push_back("--address=/" + name + "/" + ip);
    for (const std::string& name : answers.missing) argv.push_back("--address=/" + name + "/");
    for (const std::string& name : answers.silent) {
      argv.push_back("--server=/" + name + "/" + silent_server);
    }
    SubprocessOptions options;
    options.stdin_pipe = false;
    dnsmasq_.emplace(Subprocess::Start(std::move(argv), options));
    if (Eventually([&] { return Answers(address_, "fetchpool-probe.invalid"); })) break;
    last_error = ReadText(dir_ / "dnsmasq.log") + dnsmasq_->Wait(milliseconds(2000)).err;
    dnsmasq_.reset();
    ::close(silent_fd_);
    silent_fd_ = -1;
  }
  if (!dnsmasq_) throw std::runtime_error("dnsmasq did not start: " + last_error);
  WriteText(dir_ / "resolv.conf", "nameserver " + address_ + "\noptions timeout:1 attempts:1\n");
  WriteText(dir_ / "hosts", "127.0.0.1 localhost\n::1 localhost ip6-localhost\n");
  WriteText(dir_ / "nsswitch.conf", "hosts: files dns\n");
}

PrivateDns::~PrivateDns() {
  if (dnsmasq_) {
    dnsmasq_->Signal(SIGTERM);
    dnsmasq_->Wait(milliseconds(5000));
  }
  if (silent_fd_ >= 0) ::close(silent_fd_);
}

std::vector<std::string> PrivateDns::Wrap(std::vector<std::string> argv) const {
  std::vector<std::string> out = {
      "unshare",
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      "mount --bind \"$1\" /etc/resolv.conf && mount --bind \"$2\" /etc/hosts && "
      "mount --bind \"$3\" /etc/nsswitch.conf && shift 3 && exec \"$@\"",
      "sh",
      dir_ / "resolv.conf",
      dir_ / "hosts",
      dir_ / "nsswitch.conf"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

int PrivateDns::Queries(const std::string& name) const {
  std::istringstream log(ReadText(dir_ / "dnsmasq.log"));
  int n = 0;
  for (std::string line; std::getline(log, line);) {
    if (line.find("query[") != std::string::npos &&
        line.find(" " + name + " from ") != std::string::npos) {
      ++n;
    }
  }
  return n;
}

}  // namespace fetchpool::testing
