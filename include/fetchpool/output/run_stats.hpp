#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/result.hpp"
#include "fetchpool/output/certificate_digest.hpp"
#include "fetchpool/util/latency_stats.hpp"

namespace fetchpool {

// What --stats and --html show about a whole run, in constant memory however many URLs: a
// latency histogram with fixed log-scale buckets, the status distribution (100-999), the
// failure kinds, bot walls by provider, moved and upgraded links, the few slowest URLs, each
// phase's percentiles and the certificates that expire soonest.
// Thread-compatible: owned by the printer.
class RunStats {
 public:
  // Upper bounds of the display buckets in ms (1, 2, 5 … 20 s, 60 s); one more bucket past
  // the last holds everything slower.
  static constexpr std::array<std::uint32_t, 15> kBucketMs = {
      1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 60000};
  static constexpr std::size_t kBuckets = kBucketMs.size() + 1;
  static constexpr std::size_t kSlowest = 5;
  static constexpr int kKinds = static_cast<int>(ErrorKind::kOther) + 1;

  struct Slow {
    std::chrono::microseconds elapsed{0};
    std::string url;
    bool ok = false;
    PhaseTimings timings;  // when the output collects them (--stats, --html, -v...)
  };

  // Each phase's own time (PhaseDurations) over the results that went through it: connect and
  // TLS only where a connection was made. In microseconds, as LatencyStats keeps them.
  struct Phases {
    LatencyStats dns;
    LatencyStats connect;
    LatencyStats tls;
    LatencyStats first_byte;
  };

  void Add(const Result& result);
  // Nothing counted, for whoever has no stats to give.
  static const RunStats& Empty();

  static std::size_t BucketOf(std::chrono::microseconds elapsed);
  // "≤1ms" style labels without the sign: "1ms", "500ms", "1s", "60s"; the overflow "60s+".
  static std::string BucketLabel(std::size_t bucket);

  const std::array<std::uint64_t, kBuckets>& buckets() const { return buckets_; }
  // How many final results had each HTTP status (100-999), ascending; and those without one.
  std::vector<std::pair<int, std::uint64_t>> Statuses() const;
  std::uint64_t no_status() const { return no_status_; }
  // Failures and warnings by kind, most frequent first.
  std::vector<std::pair<ErrorKind, std::uint64_t>> Kinds() const;
  // Bot walls by provider, most frequent first.
  std::vector<std::pair<std::string, std::uint64_t>> BlockedBy() const;
  std::uint64_t moved() const { return moved_; }
  std::uint64_t upgraded() const { return upgraded_; }
  // Slowest first.
  std::vector<Slow> Slowest() const;
  const Phases& phases() const { return phases_; }
  const CertificateDigest& certificates() const { return certificates_; }

 private:
  void AddPhases(const PhaseTimings& timings);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::array<std::uint64_t, 900> statuses_{};  // [status - 100]
  std::uint64_t no_status_ = 0;
  std::array<std::uint64_t, kKinds> kinds_{};
  std::vector<std::pair<std::string, std::uint64_t>> blocked_by_;  // a few providers at most
  std::uint64_t moved_ = 0;
  std::uint64_t upgraded_ = 0;
  std::vector<Slow> slowest_;  // a min-heap on elapsed, at most kSlowest
  Phases phases_;
  CertificateDigest certificates_;
};

}  // namespace fetchpool
