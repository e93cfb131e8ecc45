#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

// The certificates a run's https answers came with, soonest expiry (leaf or chain) first, one
// entry per certificate however many URLs and hosts share it. Constant memory: only the kKept
// soonest are kept, and a certificate once pushed out by sooner ones never comes back (its
// expiry stays what it was), so the list is exact.
// Thread-compatible: owned by the printer (in RunStats).
class CertificateDigest {
 public:
  static constexpr std::size_t kKept = 20;
  static constexpr std::size_t kHostsNamed = 3;
  static constexpr std::size_t kHostsCounted = 256;

  struct Entry {
    std::shared_ptr<const CertificateFacts> facts;
    std::vector<std::string> hosts;  // host[:port] of the first kHostsNamed hosts it came from
    // Every distinct host it came from (by hash), up to kHostsCounted.
    std::vector<std::size_t> host_hashes;
    std::uint64_t urls = 0;  // results that came with it (while listed)

    // Hosts beyond those named ("and 12 more"); at least, once kHostsCounted were seen.
    std::size_t more_hosts() const { return host_hashes.size() - hosts.size(); }
  };

  void Add(const Result& result);
  // Soonest first.
  const std::vector<Entry>& Soonest() const { return entries_; }

 private:
  std::vector<Entry> entries_;  // sorted, soonest first; at most kKept
};

// "host[:port]" of a URL, as a person reads it (for listing, not for keying).
std::string_view HostOfUrl(std::string_view url);

// An entry's hosts for people: "a.test:443, b.test and 4 more" (unescaped).
std::string HostsText(const CertificateDigest::Entry& entry);
// What expires first, for people: "CN=example.com" (the leaf), or "intermediate CN=R3" when a
// certificate of its chain expires before it (unescaped).
std::string ExpiringText(const CertificateFacts& facts);

}  // namespace fetchpool
