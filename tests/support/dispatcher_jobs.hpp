#pragma once

// Jobs, outcomes and options for tests that drive a Dispatcher by hand, as its workers would.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "fetchpool/engine/dispatcher.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/verdict/verdict.hpp"

namespace fetchpool::dispatch_test {

// A job as the reader hands it over: validated, so its host is keyed.
inline Job MakeJob(std::uint64_t seq, std::string url) {
  Job job;
  job.origin.seq = seq;
  job.origin.url = std::move(url);
  ValidateJob(job);
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

// Drives a Dispatcher as one worker of the pool does (WorkerPool::Work): it reports each task
// with FinishAndTake, which may hand it its next task at once, and asks Next (which waits) only
// when none could start.
class TestWorker {
 public:
  explicit TestWorker(Dispatcher& d, int index = -1) : d_(d), index_(index) {}

  // The task this worker runs next: the one FinishAndTake handed it, else Next's.
  std::optional<Task> Next() {
    if (handed_) return std::exchange(handed_, std::nullopt);
    return d_.Next(index_);
  }

  // Whether the last report came back with a task that may start at once.
  bool handed() const { return handed_.has_value(); }

  // Reports `task` with the outcome `make` gives for it (made before the task moves): the
  // result to print, or nullopt when the job is kept for a retry.
  template <typename Make>
  std::optional<Result> Report(std::optional<Task>& task, Make make) {
    Result r = make(*task);
    std::optional<Result> done;
    handed_ = d_.FinishAndTake(*std::move(task), std::move(r), done, index_);
    return done;
  }

 private:
  Dispatcher& d_;
  const int index_;
  std::optional<Task> handed_;
};

inline DispatchOptions Options(int retries = 0, int per_host = 0, int max_failures = 0) {
  DispatchOptions o;
  o.retry = {.retries = retries, .wait_s = 0.001, .max_wait_s = 60};
  o.per_host = per_host;
  o.max_failures = max_failures;
  return o;
}

}  // namespace fetchpool::dispatch_test
