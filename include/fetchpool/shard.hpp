#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fetchpool {

// "--shard K/N": this process takes only the URLs whose stable hash falls in shard K (1..N) of N,
// so N machines can split any list with no coordination. The hash is 64-bit FNV-1a of the URL
// as written on its line (after trimming), identical on every machine and in every run.
// A plain value.
class Shard {
 public:
  // nullopt unless `text` is "K/N" with 1 <= K <= N <= 1,000,000.
  static std::optional<Shard> Parse(std::string_view text);

  bool Takes(std::string_view url) const { return Hash(url) % count_ == index_ - 1; }
  static std::uint64_t Hash(std::string_view url);

  std::uint64_t index() const { return index_; }
  std::uint64_t count() const { return count_; }

 private:
  Shard(std::uint64_t index, std::uint64_t count) : index_(index), count_(count) {}
  std::uint64_t index_;
  std::uint64_t count_;
};

}  // namespace fetchpool
