#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

// Latency percentiles for one host in little memory: a sparse log-linear histogram (exact below
// 16 µs, then 16 buckets per power of two, so within ~6%), holding only the buckets used.
// Thread-compatible.
class SparseLatency {
 public:
  void Add(std::chrono::microseconds latency);
  // The upper bound of the bucket holding the `fraction` percentile, in ms (capped by the
  // largest sample); 0 when empty.
  double PercentileMs(double fraction) const;
  std::uint64_t count() const { return count_; }
  std::uint64_t max_us() const { return max_us_; }

  // The histogram as (a bucket's largest value in µs, samples) pairs, ascending: what JSON Lines'
  // host records carry so `fetchpool report` can merge shards' percentiles exactly.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> Buckets() const;
  // `count` samples in the bucket holding `us` (a bucket read back), leaving the largest sample
  // to RaiseMax.
  void AddBucket(std::uint64_t us, std::uint64_t count);
  void RaiseMax(std::uint64_t max_us);
  void Merge(const SparseLatency& other);

 private:
  void AddToBucket(std::uint16_t bucket, std::uint64_t count);

  std::vector<std::pair<std::uint16_t, std::uint32_t>> buckets_;  // sorted by bucket
  std::uint64_t count_ = 0;
  std::uint64_t max_us_ = 0;
};

// One line of --host-stats.
struct HostStatsRow {
  std::string host;
  std::uint64_t requests = 0;  // attempts, retries and HEAD fallbacks' GETs included
  std::uint64_t ok = 0;        // URLs
  std::uint64_t failed = 0;    // URLs (warnings and aborts not counted)
  std::uint64_t http_429 = 0;  // responses
  std::uint64_t http_503 = 0;  // responses
  double paused_s = 0;         // how long new requests to the host were held back
  double p50_ms = 0;           // per request
  double p95_ms = 0;
  std::uint64_t bytes = 0;
  SparseLatency latency;  // per request: p50 and p95 come from it
};

// --host-stats: totals per host for the whole run. Unlike the host table it keeps every host it
// has seen, so its memory grows with the number of hosts (~890 bytes each at peak, rows and
// report included: bench scenario hosts); it exists only when --host-stats is given.
// Thread-compatible: the dispatcher guards it with its own mutex.
class HostStatsBook {
 public:
  // One request to `host` (a HEAD fallback counts as one).
  void Attempt(const std::string& host, const Result& result, std::chrono::microseconds latency);
  // The URL's final result.
  void Verdict(const std::string& host, const Result& result);
  void Paused(const std::string& host, std::chrono::steady_clock::duration more);
  // Another run's row for the same host, added up (`fetchpool report`: the shards' records).
  void Merge(const HostStatsRow& row);

  // Every host, worst first: most failed URLs plus 429/503 responses, then the highest p95,
  // then by name.
  std::vector<HostStatsRow> Rows() const;

 private:
  struct Entry {
    HostStatsRow row;
    std::chrono::steady_clock::duration paused{0};
    SparseLatency latency;
  };
  std::unordered_map<std::string, Entry> hosts_;
};

}  // namespace fetchpool
