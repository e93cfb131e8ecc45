#include "fetchpool/output/run_stats.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace fetchpool {
namespace {

bool SlowerFirst(const RunStats::Slow& a, const RunStats::Slow& b) {
  return a.elapsed > b.elapsed;  // as a heap comparator: the fastest on top
}

}  // namespace

const RunStats& RunStats::Empty() {
  static const RunStats empty;
  return empty;
}

std::size_t RunStats::BucketOf(std::chrono::microseconds elapsed) {
  const std::int64_t us = elapsed.count();
  for (std::size_t i = 0; i < kBucketMs.size(); ++i) {
    if (us <= static_cast<std::int64_t>(kBucketMs[i]) * 1000) return i;
  }
  return kBucketMs.size();
}

std::string RunStats::BucketLabel(std::size_t bucket) {
  if (bucket >= kBucketMs.size()) return fmt::format("{}s+", kBucketMs.back() / 1000);
  const std::uint32_t ms = kBucketMs[bucket];
  return ms < 1000 ? fmt::format("{}ms", ms) : fmt::format("{}s", ms / 1000);
}

void RunStats::AddPhases(const PhaseTimings& t) {
  if (!(t.total_ms > 0)) return;  // not collected, or nothing happened
  const PhaseDurations d = t.Durations();
  auto add = [](LatencyStats& stats, double ms) {
    if (ms > 0) stats.Add(std::chrono::microseconds(static_cast<std::int64_t>(ms * 1000.0)));
  };
  add(phases_.dns, d.dns);
  add(phases_.connect, d.connect);
  add(phases_.tls, d.tls);
  add(phases_.first_byte, d.first_byte);
}

void RunStats::Add(const Result& r) {
  AddPhases(r.transfer.timings);
  certificates_.Add(r);
  ++buckets_[BucketOf(r.transfer.elapsed)];
  if (r.transfer.http_status >= 100 && r.transfer.http_status <= 999) {
    ++statuses_[static_cast<std::size_t>(r.transfer.http_status - 100)];
  } else {
    ++no_status_;
  }
  if (!r.verdict.ok) {
    const int kind = std::clamp(static_cast<int>(r.verdict.error_kind), 0, kKinds - 1);
    ++kinds_[static_cast<std::size_t>(kind)];
  }
  if (!r.verdict.blocked_by.empty()) {
    auto it = std::find_if(blocked_by_.begin(), blocked_by_.end(),
                           [&](const auto& p) { return p.first == r.verdict.blocked_by; });
    if (it == blocked_by_.end()) {
      blocked_by_.emplace_back(r.verdict.blocked_by, 1);
    } else {
      ++it->second;
    }
  }
  if (r.verdict.relocation == Relocation::kMoved) ++moved_;
  if (r.verdict.relocation == Relocation::kUpgraded) ++upgraded_;
  if (slowest_.size() == kSlowest && r.transfer.elapsed <= slowest_.front().elapsed) return;
  if (slowest_.size() == kSlowest) {
    std::pop_heap(slowest_.begin(), slowest_.end(), SlowerFirst);
    slowest_.pop_back();
  }
  slowest_.push_back({r.transfer.elapsed, r.origin.url, r.verdict.ok, r.transfer.timings});
  std::push_heap(slowest_.begin(), slowest_.end(), SlowerFirst);
}

std::vector<std::pair<int, std::uint64_t>> RunStats::Statuses() const {
  std::vector<std::pair<int, std::uint64_t>> out;
  for (std::size_t i = 0; i < statuses_.size(); ++i) {
    if (statuses_[i] > 0) out.emplace_back(static_cast<int>(i) + 100, statuses_[i]);
  }
  return out;
}

std::vector<std::pair<ErrorKind, std::uint64_t>> RunStats::Kinds() const {
  std::vector<std::pair<ErrorKind, std::uint64_t>> out;
  for (int k = 0; k < kKinds; ++k) {
    if (kinds_[static_cast<std::size_t>(k)] > 0) {
      out.emplace_back(static_cast<ErrorKind>(k), kinds_[static_cast<std::size_t>(k)]);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::vector<std::pair<std::string, std::uint64_t>> RunStats::BlockedBy() const {
  std::vector<std::pair<std::string, std::uint64_t>> out = blocked_by_;
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::vector<RunStats::Slow> RunStats::Slowest() const {
  std::vector<Slow> out = slowest_;
  std::sort(out.begin(), out.end(), SlowerFirst);
  return out;
}

}  // namespace fetchpool
