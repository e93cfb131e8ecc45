#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace fetchpool {

// A URL's identity for --dedup and --baseline: the 128-bit XXH3 hash of the URL as written, less
// its #fragment (never sent to the server), mixed with a seed (--dedup's: the per-line checks'
// digest, so a URL judged by other checks is another job). 16 bytes whatever the URL's length;
// two different URLs share one with probability about n^2 / 2^129.
struct UrlKey128 {
  std::uint64_t low = 0;
  std::uint64_t high = 0;
  bool operator==(const UrlKey128&) const = default;
};
UrlKey128 KeyOfUrl(std::string_view url, std::uint64_t seed = 0);

struct UrlKey128Hash {
  std::size_t operator()(const UrlKey128& key) const noexcept { return key.low; }
};

// --baseline: the URLs of the baseline file, by key. Filled at setup, read-only after that.
// Thread-safety: const members may be called from any thread once filling is over.
class UrlKeySet {
 public:
  void Insert(std::string_view url) { keys_.insert(KeyOfUrl(url)); }
  bool Contains(std::string_view url) const { return keys_.contains(KeyOfUrl(url)); }
  std::size_t size() const { return keys_.size(); }

 private:
  std::unordered_set<UrlKey128, UrlKey128Hash> keys_;
};

// --dedup: the first job of every distinct URL in the run. 48 bytes per distinct URL.
// Thread-compatible: the reader's.
class FirstSeen {
 public:
  // nullopt the first time a URL (with these checks) is offered, remembering `seq` as its first;
  // after that, the first's seq.
  std::optional<std::uint64_t> Offer(std::string_view url, std::uint64_t checks_digest,
                                     std::uint64_t seq) {
    const auto [it, inserted] = first_.try_emplace(KeyOfUrl(url, checks_digest), seq);
    if (inserted) return std::nullopt;
    return it->second;
  }

 private:
  std::unordered_map<UrlKey128, std::uint64_t, UrlKey128Hash> first_;
};

}  // namespace fetchpool
