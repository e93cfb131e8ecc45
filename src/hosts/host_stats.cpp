#include "fetchpool/hosts/host_stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>

namespace fetchpool {
namespace {

constexpr int kSubBits = 4;
constexpr std::uint64_t kLinear = 1u << kSubBits;

std::uint16_t BucketOf(std::uint64_t us) {
  if (us < kLinear) return static_cast<std::uint16_t>(us);
  const int octave = static_cast<int>(std::bit_width(us)) - 1;  // >= kSubBits
  const std::uint64_t sub = (us >> (octave - kSubBits)) & (kLinear - 1);
  return static_cast<std::uint16_t>(kLinear + (octave - kSubBits) * kLinear + sub);
}

std::uint64_t UpperBoundOf(std::uint16_t bucket) {
  if (bucket < kLinear) return bucket;
  const int octave = static_cast<int>((bucket - kLinear) / kLinear) + kSubBits;
  const std::uint64_t sub = (bucket - kLinear) % kLinear;
  return ((kLinear + sub + 1) << (octave - kSubBits)) - 1;
}

}  // namespace

void SparseLatency::Add(std::chrono::microseconds latency) {
  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count()));
  AddToBucket(BucketOf(us), 1);
  max_us_ = std::max(max_us_, us);
}

void SparseLatency::AddBucket(std::uint64_t us, std::uint64_t count) {
  AddToBucket(BucketOf(us), count);
}

void SparseLatency::AddToBucket(std::uint16_t bucket, std::uint64_t count) {
  if (count == 0) return;
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), bucket,
                             [](const auto& entry, std::uint16_t b) { return entry.first < b; });
  if (it == buckets_.end() || it->first != bucket) it = buckets_.insert(it, {bucket, 0});
  const std::uint64_t sum = std::uint64_t{it->second} + count;  // saturates: counts are per host
  it->second = static_cast<std::uint32_t>(std::min<std::uint64_t>(sum, UINT32_MAX));
  count_ += count;
}

void SparseLatency::RaiseMax(std::uint64_t max_us) { max_us_ = std::max(max_us_, max_us); }

void SparseLatency::Merge(const SparseLatency& other) {
  for (const auto& [bucket, n] : other.buckets_) AddToBucket(bucket, n);
  RaiseMax(other.max_us_);
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> SparseLatency::Buckets() const {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  out.reserve(buckets_.size());
  for (const auto& [bucket, n] : buckets_) out.emplace_back(UpperBoundOf(bucket), n);
  return out;
}

double SparseLatency::PercentileMs(double fraction) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(
      std::max(1.0, std::ceil(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (const auto& [bucket, n] : buckets_) {
    seen += n;
    if (seen >= rank) return static_cast<double>(std::min(UpperBoundOf(bucket), max_us_)) / 1000.0;
  }
  return static_cast<double>(max_us_) / 1000.0;
}

void HostStatsBook::Attempt(const std::string& host, const Result& result,
                            std::chrono::microseconds latency) {
  if (host.empty()) return;
  Entry& e = hosts_[host];
  ++e.row.requests;
  if (result.transfer.http_status == 429) ++e.row.http_429;
  if (result.transfer.http_status == 503) ++e.row.http_503;
  e.row.bytes += result.transfer.bytes;
  e.latency.Add(latency);
}

void HostStatsBook::Verdict(const std::string& host, const Result& result) {
  if (host.empty() || result.verdict.error_kind == ErrorKind::kAborted) return;
  Entry& e = hosts_[host];
  if (result.verdict.ok) {
    ++e.row.ok;
  } else if (!result.verdict.warning) {
    ++e.row.failed;
  }
}

void HostStatsBook::Paused(const std::string& host, std::chrono::steady_clock::duration more) {
  if (!host.empty()) hosts_[host].paused += more;
}

void HostStatsBook::Merge(const HostStatsRow& row) {
  if (row.host.empty()) return;
  Entry& e = hosts_[row.host];
  e.row.requests += row.requests;
  e.row.ok += row.ok;
  e.row.failed += row.failed;
  e.row.http_429 += row.http_429;
  e.row.http_503 += row.http_503;
  e.row.bytes += row.bytes;
  e.paused += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(row.paused_s));
  e.latency.Merge(row.latency);
}

std::vector<HostStatsRow> HostStatsBook::Rows() const {
  std::vector<HostStatsRow> rows;
  rows.reserve(hosts_.size());
  for (const auto& [host, e] : hosts_) {
    HostStatsRow row = e.row;
    row.host = host;
    row.paused_s = std::chrono::duration<double>(e.paused).count();
    row.p50_ms = e.latency.PercentileMs(0.50);
    row.p95_ms = e.latency.PercentileMs(0.95);
    row.latency = e.latency;
    rows.push_back(std::move(row));
  }
  auto trouble = [](const HostStatsRow& r) { return r.failed + r.http_429 + r.http_503; };
  std::sort(rows.begin(), rows.end(), [&](const HostStatsRow& a, const HostStatsRow& b) {
    return std::make_tuple(trouble(b), b.p95_ms, a.host) <
           std::make_tuple(trouble(a), a.p95_ms, b.host);
  });
  return rows;
}

}  // namespace fetchpool
