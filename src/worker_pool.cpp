#include "fetchpool/worker_pool.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

namespace fetchpool {

WorkerPool::WorkerPool(const WorkerPoolSetup& setup, FetcherFactory make_fetcher,
                       Dispatcher& dispatcher, BoundedQueue<Result>& results, std::stop_token stop)
    : setup_(setup),
      make_fetcher_(std::move(make_fetcher)),
      dispatcher_(dispatcher),
      results_(results),
      stop_(std::move(stop)),
      running_(1) {
  // running_ starts with one reference, held until StopGrowing, so a worker that finishes
  // before the others have started cannot close `results` early.
  threads_.reserve(static_cast<std::size_t>(setup.workers));
}

bool WorkerPool::Grow(std::size_t wanted) {
  const std::size_t target = std::min(wanted, static_cast<std::size_t>(setup_.workers));
  while (threads_.size() < target && !refused_) {
    running_.fetch_add(1, std::memory_order_relaxed);
    try {
      threads_.emplace_back([this] { Work(); });
    } catch (const std::system_error& e) {
      running_.fetch_sub(1, std::memory_order_relaxed);
      refused_ = true;
      fmt::print(stderr, "fetchpool: could start only {} of {} workers: {}\n", threads_.size(),
                 setup_.workers, e.what());
      return !threads_.empty();
    }
    started_.store(threads_.size(), std::memory_order_release);
  }
  return !threads_.empty() || target == 0;
}

void WorkerPool::StopGrowing() { Leave(); }

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Join() {
  for (std::jthread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::Leave() {
  if (running_.fetch_sub(1, std::memory_order_acq_rel) == 1) results_.close();
}

void WorkerPool::Work() {
  {
    const std::unique_ptr<Fetcher> fetcher = make_fetcher_(stop_);
    // Pushes are not stop-aware: a finished result must reach the printer even during shutdown
    // (it drains until the queue closes, so this cannot block forever).
    while (std::optional<Task> task = dispatcher_.Next()) {
      std::optional<Result> result = Attempt(*fetcher, task->job);
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

std::optional<Result> WorkerPool::Attempt(Fetcher& fetcher, Job& job) {
  if (!job.invalid.empty()) return fetcher.Fetch(job, Method::kGet);  // reported, not requested
  Pacer* pacer = setup_.pacer;
  if (pacer != nullptr && !pacer->Wait(stop_)) return std::nullopt;
  if (job.attempts == 0) job.first_start = std::chrono::steady_clock::now();
  // Body checks need a body.
  const bool head = setup_.head && !job.head_refused && !(job.expect && job.expect->NeedsBody());
  Result result = fetcher.Fetch(job, head ? Method::kHead : Method::kGet);
  if (head && !result.ok && (result.http_status == 405 || result.http_status == 501)) {
    job.head_refused = true;  // and its retries go straight to GET
    if (pacer != nullptr && !pacer->Wait(stop_)) return std::nullopt;
    result = fetcher.Fetch(job, Method::kGet);
  }
  return result;
}

}  // namespace fetchpool
