#include "fetchpool/worker_pool.hpp"

#include <fmt/format.h>

#include <system_error>

namespace fetchpool {

WorkerPool::WorkerPool(int count, const FetchOptions& options, CURLSH* share,
                       Dispatcher& dispatcher, Pacer* pacer, BoundedQueue<Result>& results,
                       std::stop_token stop)
    : dispatcher_(dispatcher),
      pacer_(pacer),
      results_(results),
      stop_(std::move(stop)),
      running_(1) {
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
    // Pushes are not stop-aware: a finished result must reach the printer even during shutdown
    // (it drains until the queue closes, so this cannot block forever).
    while (std::optional<Task> task = dispatcher_.Next()) {
      std::optional<Result> result = Attempt(fetcher, options.head, task->job);
      std::optional<Result> done = result ? dispatcher_.Finish(std::move(*task), std::move(*result))
                                          : dispatcher_.Abandon(std::move(*task));
      if (done) results_.push(std::move(*done));
    }
    while (std::optional<Result> last = dispatcher_.TakeAbandoned()) {
      results_.push(std::move(*last));
    }
  }
  Leave();
}

std::optional<Result> WorkerPool::Attempt(Fetcher& fetcher, bool head, Job& job) {
  if (!job.invalid.empty()) return fetcher.Fetch(job);  // reported without a request
  if (pacer_ != nullptr && !pacer_->Wait(stop_)) return std::nullopt;
  if (job.attempts == 0) job.first_start = std::chrono::steady_clock::now();
  // Body checks need a body.
  head = head && !job.head_refused && !(job.expect && job.expect->NeedsBody());
  Result result = fetcher.Fetch(job, head ? Method::kHead : Method::kGet);
  if (head && !result.ok && (result.http_status == 405 || result.http_status == 501)) {
    job.head_refused = true;  // and its retries go straight to GET
    if (pacer_ != nullptr && !pacer_->Wait(stop_)) return std::nullopt;
    result = fetcher.Fetch(job, Method::kGet);
  }
  return result;
}

}  // namespace fetchpool
