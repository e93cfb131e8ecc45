#pragma once

#include <atomic>
#include <stop_token>
#include <thread>
#include <vector>

#include "fetchpool/bounded_queue.hpp"
#include "fetchpool/fetcher.hpp"
#include "fetchpool/job.hpp"

namespace fetchpool {

// A fixed set of std::jthread workers. Each owns a Fetcher (one reused easy handle), takes jobs
// until `jobs` is closed and drained or `stop` is requested, and pushes one Result per job.
// The last worker to leave closes `results`, so the consumer knows every result has arrived.
// Thread-safety: construct and destroy on one thread; the workers touch only the queues.
class WorkerPool {
 public:
  // `share`, `jobs` and `results` must outlive the pool.
  WorkerPool(int count, const FetchOptions& options, CURLSH* share, BoundedQueue<Job>& jobs,
             BoundedQueue<Result>& results, std::stop_token stop);
  // Joins every worker.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Join();
  // Workers actually started (fewer than asked only if the system refused threads).
  std::size_t size() const { return threads_.size(); }

 private:
  void Work(const FetchOptions& options, CURLSH* share);
  void Leave();  // drops one reference; the last one closes results_

  BoundedQueue<Job>& jobs_;
  BoundedQueue<Result>& results_;
  std::stop_token stop_;
  std::atomic<int> running_;
  std::vector<std::jthread> threads_;
};

}  // namespace fetchpool
