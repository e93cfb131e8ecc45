#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace fetchpool {

// Latency percentiles in constant memory, however many URLs: a log-linear histogram (exact below
// 128 µs, then 64 sub-buckets per power of two, so a percentile is within ~1.6% of the truth).
// Thread-compatible: owned by the printer.
class LatencyStats {
 public:
  void Add(std::chrono::microseconds latency);
  std::uint64_t count() const { return count_; }
  // The smallest recorded latency that `fraction` (0..1] of the samples do not exceed, in ms.
  // 0 when nothing was recorded.
  double PercentileMs(double fraction) const;
  double MaxMs() const { return static_cast<double>(max_us_) / 1000.0; }

 private:
  static constexpr int kSubBits = 6;                    // 64 sub-buckets per octave
  static constexpr int kLinear = 2 << kSubBits;         // values below this are exact
  static constexpr int kOctaves = 64 - (kSubBits + 1);  // enough for any uint64 value
  static constexpr int kBuckets = kLinear + kOctaves * (1 << kSubBits);

  static int BucketOf(std::uint64_t us);
  static std::uint64_t UpperBoundOf(int bucket);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_us_ = 0;
};

}  // namespace fetchpool
