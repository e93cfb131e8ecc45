#pragma once

#include <functional>
#include <memory>
#include <stop_token>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

enum class Method { kGet, kHead };

// Performs one attempt at a job and says how it went; expected failures are values in the
// Result, never exceptions. The pipeline sees only this, so tests can run reader, dispatcher,
// pool and printer in-process with a fake in place of libcurl (as ninja does with
// DiskInterface).
// Thread-compatible: each worker owns one.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // One attempt at `job`. Its elapsed time counts from job.first_start when that is set.
  virtual Result Fetch(const Job& job, Method method) = 0;
};

// Makes a worker's Fetcher; `stop` is the run's, and must abort a transfer in progress.
// Called on the worker's own thread.
using FetcherFactory = std::function<std::unique_ptr<Fetcher>(std::stop_token stop)>;

}  // namespace fetchpool
