#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace fetchpool {

// A set of 64-bit keys in a fixed number of bits (one per key, a Bloom filter with one hash):
// MayContain never says no for a key that was added, and says yes for one that was not with a
// probability of about (keys added / bits). Its memory is taken with calloc, so pages no key
// touched cost no RSS. Thread-compatible.
class KeyFilter {
 public:
  // `log2_bits`: the filter holds 2^log2_bits bits (23: 1 MiB).
  explicit KeyFilter(int log2_bits)
      : shift_(64 - log2_bits),
        words_(static_cast<std::uint64_t*>(
            std::calloc((std::size_t{1} << log2_bits) / 64, sizeof(std::uint64_t)))) {}

  void Add(std::uint64_t key) {
    if (!words_) return;
    const std::uint64_t bit = Slot(key);
    words_.get()[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }

  // Without memory (calloc failed) every key may be there: callers then just look it up.
  bool MayContain(std::uint64_t key) const {
    if (!words_) return true;
    const std::uint64_t bit = Slot(key);
    return (words_.get()[bit / 64] >> (bit % 64) & 1) != 0;
  }

 private:
  struct Free {
    void operator()(std::uint64_t* p) const { std::free(p); }
  };
  // Fibonacci hashing: the top bits of key * 2^64/phi, well spread whatever the key's low bits.
  std::uint64_t Slot(std::uint64_t key) const { return (key * 0x9E3779B97F4A7C15ULL) >> shift_; }

  const int shift_;
  std::unique_ptr<std::uint64_t, Free> words_;
};

}  // namespace fetchpool
