// A Fetcher that answers from the URL instead of the network, so the whole pipeline runs
// in-process (and under TSan) without sockets. Like the real one it reports facts only: the
// verdict, --accept and the per-line checks decide what they mean. The path says what happens:
//   /ok            200 at once           /fail        HTTP 404
//   /status/N      HTTP N
//   /slow/MS       200 after MS ms, or aborted as soon as the run stops
//   /flaky/N       503 (with Retry-After: 0, or S given as ?retry-after=S) for the first N
//                  attempts, then 200
//   /block         waits until Release() (or a stop), then 200
// --each-address: a host named multi* has the addresses 10.0.0.1, 10.0.0.2 and fd00::3, of which
// 10.0.0.2 refuses connections; nxdomain* does not resolve; any other host runs as it is.
// Every 200 carries kFakeBody, which the line's checks (contains=, sha256=) see.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/fetcher.hpp"
#include "fetchpool/util/cond_var.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool::testing {

inline constexpr std::string_view kFakeBody = "fetchpool fake body\n";

// Shared by every worker's FakeFetcher. Thread-safe.
class FakeNetwork {
 public:
  FetcherFactory Factory();
  // Lets every /block transfer finish.
  void Release() EXCLUDES(mutex_);
  std::uint64_t fetches() const { return fetches_.load(); }
  // Fetchers made: one per worker thread that started.
  int fetchers() const { return fetchers_.load(); }
  int in_flight_peak() const { return peak_.load(); }
  // What the network shows one attempt; `stop` is the asking worker's.
  void Answer(const Job& job, const std::stop_token& stop, TransferFacts& facts) EXCLUDES(mutex_);
  // --each-address: the addresses of the job's host (see above).
  static std::vector<std::string> Addresses(const Job& job, TransferFacts& facts);

 private:
  std::atomic<std::uint64_t> fetches_{0};
  std::atomic<int> fetchers_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> peak_{0};
  Mutex mutex_;
  CondVar released_cv_;
  bool released_ GUARDED_BY(mutex_) = false;
};

}  // namespace fetchpool::testing
