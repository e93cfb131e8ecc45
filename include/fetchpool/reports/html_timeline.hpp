#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

// When each worker was busy and how long transfers waited before they started, for the HTML
// report's timeline. Time is cut into kBins bins per worker that widen as the run goes on (two
// neighbours merge when the run outgrows them), so memory is workers × kBins however many
// transfers there are. Only each URL's last attempt is recorded (Result::span).
// Thread-compatible: owned by the HTML sink.
class HtmlTimeline {
 public:
  static constexpr std::size_t kBins = 240;

  void Add(const Span& span, bool failed);
  // An inline <svg>: one row per worker, a bin darker the busier it was, red when a transfer in
  // it failed, an orange strip above for waiting; a <title> on each says what it holds.
  std::string Svg() const;

  std::chrono::microseconds bin_width() const { return bin_; }
  std::size_t lanes() const { return lanes_.size(); }

 private:
  struct Bin {
    std::int64_t busy_us = 0;
    std::int64_t wait_us = 0;
    std::uint32_t started = 0;
    std::uint32_t failed = 0;
  };
  using Lane = std::array<Bin, kBins>;

  void Widen();
  // Adds [from, to) µs to `field` of the bins it covers.
  void Spread(Lane& lane, std::int64_t from, std::int64_t to, std::int64_t Bin::*field);

  std::vector<Lane> lanes_;
  std::chrono::microseconds bin_{10'000};  // 10 ms to start with: 2.4 s across
};

}  // namespace fetchpool
