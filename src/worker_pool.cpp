#include "fetchpool/worker_pool.hpp"

#include <fmt/format.h>

#include <system_error>

namespace fetchpool {

WorkerPool::WorkerPool(int count, const FetchOptions& options, CURLSH* share,
                       BoundedQueue<Job>& jobs, BoundedQueue<Result>& results, std::stop_token stop)
    : jobs_(jobs), results_(results), stop_(std::move(stop)), running_(1) {
  // running_ starts with one reference held by this constructor, so a worker that finishes
  // before the others have started cannot close `results` early.
  threads_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    running_.fetch_add(1, std::memory_order_relaxed);
    try {
      threads_.emplace_back([this, options, share] { Work(options, share); });
    } catch (const std::system_error& e) {
      running_.fetch_sub(1, std::memory_order_relaxed);
      fmt::print(stderr, "fetchpool: could start only {} of {} workers: {}\n", i, count, e.what());
      break;
    }
  }
  Leave();
}

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Join() {
  for (std::jthread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::Leave() {
  if (running_.fetch_sub(1, std::memory_order_acq_rel) == 1) results_.close();
}

void WorkerPool::Work(const FetchOptions& options, CURLSH* share) {
  {
    Fetcher fetcher(options, share, stop_);
    while (std::optional<Job> job = jobs_.pop(stop_)) {
      // Not stop-aware: a finished result must reach the printer even during shutdown (it drains
      // until the queue closes, so this cannot block forever).
      results_.push(fetcher.Fetch(*job));
    }
  }
  Leave();
}

}  // namespace fetchpool
