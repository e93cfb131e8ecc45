// A private DNS for integration tests: a real dnsmasq on a 127.x.y.1 address of its own that
// never forwards (--no-resolv, no upstream), and a way to run a program that sees only it: a
// mount namespace (unshare -m) where /etc/resolv.conf, /etc/hosts and /etc/nsswitch.conf are
// this test's files. Nothing here can send a query off the machine: the only server named
// anywhere is the test's own, and a name it does not know is refused, never forwarded.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool::testing {

struct DnsAnswers {
  std::map<std::string, std::string> addresses;  // name -> IPv4 address (an A record)
  std::vector<std::string> missing;              // answered NXDOMAIN
  std::vector<std::string> silent;               // never answered
};

// Thread-compatible: one test owns it.
class PrivateDns {
 public:
  // Throws std::runtime_error when dnsmasq does not come up (or is not installed: check
  // Available() first).
  explicit PrivateDns(const DnsAnswers& answers);
  ~PrivateDns();
  PrivateDns(const PrivateDns&) = delete;
  PrivateDns& operator=(const PrivateDns&) = delete;

  // dnsmasq and unshare are installed, and this process may make mount namespaces (root).
  static bool Available();

  // `argv` wrapped to run with this DNS as the system's resolver.
  std::vector<std::string> Wrap(std::vector<std::string> argv) const;
  // How many queries for `name` (any type) dnsmasq has been asked so far.
  int Queries(const std::string& name) const;
  const std::string& address() const { return address_; }

 private:
  TempDir dir_;
  std::string address_;  // dnsmasq's
  int silent_fd_ = -1;   // the server that never answers: a UDP socket nobody reads
  std::optional<Subprocess> dnsmasq_;
};

}  // namespace fetchpool::testing
