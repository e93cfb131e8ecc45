#pragma once

// Jobs, outcomes and options for tests that drive a Dispatcher by hand, as its workers would.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "fetchpool/engine/dispatcher.hpp"
#include "fetchpool/verdict/verdict.hpp"

namespace fetchpool::dispatch_test {

inline Job MakeJob(std::uint64_t seq, std::string url) {
  Job job;
  job.origin.seq = seq;
  job.origin.url = std::move(url);
  return job;
}

// What a worker hands back for `task`: a response with `status`, judged as the pipeline judges
// it (default options: below 400 is ok; 408, 429 and 5xx but 501 are worth a retry).
inline Result Answered(const Task& task, long status,
                       std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  static const VerdictOptions kDefaults;
  Result r = MakeResult(task.job);
  r.transfer.http_status = status;
  r.transfer.retry_after = retry_after;
  Judge(kDefaults).Decide(task.job, r);
  return r;
}

// A 503 with Retry-After.
inline Result Transient(const Task& task, std::chrono::seconds retry_after) {
  return Answered(task, 503, retry_after);
}

inline Result Ok(const Task& task) { return Answered(task, 200); }

// Finish with the outcome `make` gives for the task (computed before the task moves).
template <typename Make>
std::optional<Result> Report(Dispatcher& d, std::optional<Task>& task, Make make) {
  Result r = make(*task);
  return d.Finish(*std::move(task), std::move(r));
}

inline DispatchOptions Options(int retries = 0, int per_host = 0, int max_failures = 0) {
  DispatchOptions o;
  o.retry = {.retries = retries, .wait_s = 0.001, .max_wait_s = 60};
  o.per_host = per_host;
  o.max_failures = max_failures;
  return o;
}

}  // namespace fetchpool::dispatch_test
