#pragma once

// Jobs, outcomes and options for tests that drive a Dispatcher by hand, as its workers would.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "fetchpool/engine/dispatcher.hpp"

namespace fetchpool::dispatch_test {

inline Job MakeJob(std::uint64_t seq, std::string url) {
  Job job;
  job.origin.seq = seq;
  job.origin.url = std::move(url);
  return job;
}

// What a worker's Fetcher would return for `task`.
inline Result Outcome(const Task& task, bool ok, long status = 200) {
  Result r;
  r.origin.seq = task.job.origin.seq;
  r.origin.url = task.job.origin.url;
  r.transfer.attempts = task.job.progress.attempts + 1;
  r.verdict.ok = ok;
  r.transfer.http_status = status;
  if (!ok) {
    r.verdict.error_kind = ErrorKind::kHttpStatus;
    r.verdict.error = "HTTP " + std::to_string(status);
  }
  return r;
}

inline Result Transient(const Task& task, std::chrono::seconds retry_after) {
  Result r = Outcome(task, false, 503);
  r.transfer.retry_after = retry_after;
  return r;
}

inline Result Ok(const Task& task) { return Outcome(task, true); }

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
