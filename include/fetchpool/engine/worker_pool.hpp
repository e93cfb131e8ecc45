#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

#include "fetchpool/core/fetcher.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/engine/dispatcher.hpp"
#include "fetchpool/engine/fault.hpp"
#include "fetchpool/engine/pacer.hpp"
#include "fetchpool/util/bounded_queue.hpp"
#include "fetchpool/util/status.hpp"
#include "fetchpool/verdict/verdict.hpp"

namespace fetchpool {

// What the pool needs besides its workers' fetchers, copied from the options by RunPipeline
// (their defaults live in PoolOptions and FetchOptions).
struct WorkerPoolSetup {
  int workers = 1;               // -w
  bool head = false;             // --head: try HEAD first, GET when the server refuses it
  bool each_address = false;     // --each-address: a job per address of its URL's host
  Pacer* pacer = nullptr;        // --rate; null for none
  const Judge* judge = nullptr;  // decides every attempt's verdict
  Fault* fault = nullptr;        // notes an exception a worker throws, which stops the run
  std::chrono::steady_clock::time_point start{};  // the run's, for Result::span
};

// One request for `job` and its verdict: the facts `fetcher` reports, judged, and judged again
// once -o kept (or could not keep) the body. What every worker does per request.
Result FetchAndJudge(Fetcher& fetcher, const Judge& judge, const Job& job, Method method);

// A fixed set of std::jthread workers, started as work arrives: Grow(n) starts workers until n
// run (at most `workers`), so a one-URL run starts one thread, and from then on the pool stays
// fixed. Each worker makes its own Fetcher, takes jobs from the dispatcher until it says the run
// is over (or `stop` is requested), waits for the pacer before every request, and hands each
// outcome back to the dispatcher, pushing the results it does not keep for a retry. Once
// StopGrowing() was called and the last worker has left, `results` is closed, so the consumer
// knows every result has arrived.
// Thread-safety: Grow and StopGrowing on one thread (the reader's); Join and destruction after
// that thread is joined. The workers touch only the dispatcher, the pacer and the results
// queue, which are thread-safe.
class WorkerPool {
 public:
  // `dispatcher`, the pacer and `results` must outlive the pool.
  WorkerPool(const WorkerPoolSetup& setup, FetcherFactory make_fetcher, Dispatcher& dispatcher,
             BoundedQueue<Result>& results, std::stop_token stop);
  // Joins every worker.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Starts workers until `wanted` run (capped at the pool's size). An error once, on the call
  // where the system refused a thread (the pool stays at the size it reached), and on every
  // call after it when no worker runs at all, since then nothing will ever fetch.
  Status Grow(std::size_t wanted);
  // No more Grow: the last worker to leave (or this call, when none runs) closes `results`.
  void StopGrowing();
  void Join();
  // Workers started so far.
  std::size_t size() const { return started_.load(std::memory_order_acquire); }

 private:
  void Work(int index);
  // One attempt at the job (a HEAD refused with 405/501 is tried again as GET within it).
  // nullopt when a stop came before the request could start.
  std::optional<Result> Attempt(Fetcher& fetcher, Job& job, int index);
  // --each-address, the first time a job comes up: one job per address of its host; this one
  // takes the first, the dispatcher the others. A result when the name did not resolve: the
  // URL's only one.
  std::optional<Result> SpreadOverAddresses(Fetcher& fetcher, Job& job);
  void Leave();  // drops one reference; the last one closes results_
  // Result::span: which worker, when the attempt ran, how long it had waited.
  void RecordSpan(Result& result, const Job& job, int index,
                  std::chrono::steady_clock::time_point started) const;

  const WorkerPoolSetup setup_;
  const FetcherFactory make_fetcher_;
  Dispatcher& dispatcher_;
  BoundedQueue<Result>& results_;
  std::stop_token stop_;
  std::atomic<int> running_;
  std::atomic<std::size_t> started_{0};
  bool refused_ = false;  // the system refused a thread: do not try again
  std::vector<std::jthread> threads_;
};

}  // namespace fetchpool
