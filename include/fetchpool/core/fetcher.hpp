#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "fetchpool/core/job.hpp"
#include "fetchpool/core/result.hpp"

namespace fetchpool {

enum class Method { kGet, kHead };

// Performs one attempt at a job and reports what it observed: facts only, never whether that is
// ok (the verdict decides, verdict/verdict.hpp). Expected failures are facts too, never
// exceptions. The pipeline sees only this, so tests run reader, dispatcher, pool, verdict and
// printer in-process with a fake in place of libcurl (as ninja does with DiskInterface).
// Thread-compatible: each worker owns one.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // One attempt at `job`: what the transfer observed goes to `facts` (which holds the attempt
  // number already), and with -o what became of the body so far to `saved`. Its elapsed time
  // counts from job.progress.first_start when that is set.
  virtual void Fetch(const Job& job, Method method, TransferFacts& facts, Saved& saved) = 0;
  // After the verdict on the last Fetch: -o keeps the body only when `verdict` is ok, and says
  // in `saved` where it went or why it could not be kept. True when it did anything (the verdict
  // is then decided again).
  virtual bool Keep(const Verdict& /*verdict*/, Saved& /*saved*/) { return false; }
  // --each-address: every address `job`'s host resolves to, A and AAAA ("127.0.0.2", "::1"),
  // in the order a client would try them; the worker makes one job of each, and Fetch then
  // connects a job to its Origin::address alone. None with `facts` saying why when the name
  // does not resolve; none without a word when the fetcher cannot tell (the job runs as it is).
  virtual std::vector<std::string> Addresses(const Job& /*job*/, TransferFacts& /*facts*/) {
    return {};
  }
};

// Makes a worker's Fetcher; `stop` is the run's, and must abort a transfer in progress.
// Called on the worker's own thread.
using FetcherFactory = std::function<std::unique_ptr<Fetcher>(std::stop_token stop)>;

}  // namespace fetchpool
