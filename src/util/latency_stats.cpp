#include "fetchpool/util/latency_stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace fetchpool {

int LatencyStats::BucketOf(std::uint64_t us) {
  if (us < static_cast<std::uint64_t>(kLinear)) return static_cast<int>(us);
  const int msb = static_cast<int>(std::bit_width(us)) - 1;  // >= kSubBits + 1
  const int shift = msb - kSubBits;
  const int sub = static_cast<int>((us >> shift) & ((1u << kSubBits) - 1));
  return kLinear + (shift - 1) * (1 << kSubBits) + sub;
}

std::uint64_t LatencyStats::UpperBoundOf(int bucket) {
  if (bucket < kLinear) return static_cast<std::uint64_t>(bucket);
  const int shift = (bucket - kLinear) / (1 << kSubBits) + 1;
  const std::uint64_t sub = static_cast<std::uint64_t>((bucket - kLinear) % (1 << kSubBits));
  const std::uint64_t low = ((std::uint64_t{1} << kSubBits) | sub) << shift;
  return low + (std::uint64_t{1} << shift) - 1;
}

void LatencyStats::Add(std::chrono::microseconds latency) {
  const std::uint64_t us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count()));
  ++buckets_[static_cast<std::size_t>(BucketOf(us))];
  ++count_;
  max_us_ = std::max(max_us_, us);
}

double LatencyStats::PercentileMs(double fraction) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(
      std::max(1.0, std::ceil(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[static_cast<std::size_t>(b)];
    if (seen >= rank) {
      return static_cast<double>(std::min(UpperBoundOf(b), max_us_)) / 1000.0;
    }
  }
  return MaxMs();
}

}  // namespace fetchpool
