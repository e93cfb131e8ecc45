#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fetchpool {

// "--shard K/N": this process takes only the URLs whose stable hash falls in shard K (1..N) of N,
// so N machines can split any list with no coordination. The hash is 64-bit FNV-1a of the URL
// as written on its line (after trimming), mixed with the splitmix64 finaliser so every input bit
// reaches the high bits; the shard is then taken from the high bits by multiply-shift. Identical
// on every machine and in every run of the same version (versions up to 0.1.0 used FNV-1a % N,
// which let a few low bits of each byte decide the shard). A plain value.
class Shard {
 public:
  // The most shards a list may be split into.
  static constexpr std::uint64_t kMaxCount = 1'000'000;

  // nullopt unless `text` is "K/N" with 1 <= K <= N <= kMaxCount.
  static std::optional<Shard> Parse(std::string_view text);

  bool Takes(std::string_view url) const { return Of(Hash(url), count_) == index_; }
  // The mixed 64-bit hash of a URL.
  static std::uint64_t Hash(std::string_view url);
  // The 1-based shard of `count` that a hash falls in: floor(hash * count / 2^64) + 1.
  static std::uint64_t Of(std::uint64_t hash, std::uint64_t count);

  std::uint64_t index() const { return index_; }
  std::uint64_t count() const { return count_; }

 private:
  Shard(std::uint64_t index, std::uint64_t count) : index_(index), count_(count) {}
  std::uint64_t index_;
  std::uint64_t count_;
};

}  // namespace fetchpool
