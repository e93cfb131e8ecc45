#include "fetchpool/engine/worker_pool.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

namespace fetchpool {

void WorkerPool::RecordSpan(Result& result, const Job& job, int index,
                            std::chrono::steady_clock::time_point started) const {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  const auto now = std::chrono::steady_clock::now();
  result.span.worker = index;
  result.span.start = duration_cast<microseconds>(started - setup_.start);
  result.span.took = duration_cast<microseconds>(now - started);
  if (job.progress.ready_at != std::chrono::steady_clock::time_point{} &&
      job.progress.ready_at < started) {
    result.span.waited = duration_cast<microseconds>(started - job.progress.ready_at);
  }
}

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

Status WorkerPool::Grow(std::size_t wanted) {
  const std::size_t target = std::min(wanted, static_cast<std::size_t>(setup_.workers));
  if (refused_ && threads_.empty()) return Status::Error("could not start a worker thread");
  while (threads_.size() < target && !refused_) {
    running_.fetch_add(1, std::memory_order_relaxed);
    try {
      const int index = static_cast<int>(threads_.size());
      threads_.emplace_back([this, index] { Work(index); });
    } catch (const std::system_error& e) {
      running_.fetch_sub(1, std::memory_order_relaxed);
      refused_ = true;
      return Status::Error(fmt::format("could start only {} of {} workers: {}", threads_.size(),
                                       setup_.workers, e.what()));
    }
    started_.store(threads_.size(), std::memory_order_release);
  }
  return Status::Ok();
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

void WorkerPool::Work(int index) {
  // An exception here (none is expected: outcomes are values) stops the run; the worker still
  // leaves, so the results queue closes and nobody waits for it.
  setup_.fault->Guard("a worker", [&] {
    const std::unique_ptr<Fetcher> fetcher = make_fetcher_(stop_);
    // Pushes are not stop-aware: a finished result must reach the printer even during shutdown
    // (it drains until the queue closes, so this cannot block forever).
    std::optional<Task> task = dispatcher_.Next(index);
    while (task) {
      std::optional<Result> result = Attempt(*fetcher, task->job, index);
      std::optional<Result> done;
      std::optional<Task> next;
      if (result) {
        next = dispatcher_.FinishAndTake(std::move(*task), std::move(*result), done, index);
      } else {
        done = dispatcher_.Abandon(std::move(*task));
      }
      if (done) results_.push(std::move(*done));
      // Only when no job could start at once does the worker wait in Next.
      task = next ? std::move(next) : dispatcher_.Next(index);
    }
    while (std::optional<Result> last = dispatcher_.TakeAbandoned()) {
      results_.push(std::move(*last));
    }
  });
  Leave();
}

Result FetchAndJudge(Fetcher& fetcher, const Judge& judge, const Job& job, Method method) {
  Result result = MakeResult(job);
  fetcher.Fetch(job, method, result.transfer, result.saved);
  judge.Decide(job, result);
  if (fetcher.Keep(result.verdict, result.saved)) judge.Decide(job, result);
  return result;
}

std::optional<Result> WorkerPool::SpreadOverAddresses(Fetcher& fetcher, Job& job) {
  Result result = MakeResult(job);
  std::vector<std::string> addresses = fetcher.Addresses(job, result.transfer);
  if (addresses.empty()) {
    if (result.transfer.failure == ErrorKind::kNone) return std::nullopt;  // runs as it is
    result.transfer.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - job.progress.first_start);
    setup_.judge->Decide(job, result);
    return result;
  }
  constexpr std::size_t kMostAddresses = 0xffff;  // Origin::address_count
  if (addresses.size() > kMostAddresses) addresses.resize(kMostAddresses);
  job.origin.address_count = static_cast<std::uint16_t>(addresses.size());
  std::vector<Job> siblings;
  siblings.reserve(addresses.size() - 1);
  for (std::size_t i = 1; i < addresses.size(); ++i) {
    siblings.push_back(CopyForAddress(job, std::move(addresses[i]), static_cast<std::uint16_t>(i)));
  }
  job.origin.address = std::move(addresses[0]);
  job.origin.address_index = 0;
  dispatcher_.AddSiblings(std::move(siblings));
  return std::nullopt;
}

std::optional<Result> WorkerPool::Attempt(Fetcher& fetcher, Job& job, int index) {
  if (!job.target.invalid.empty()) {  // reported, not requested
    Result result = MakeResult(job);
    setup_.judge->Decide(job, result);
    return result;
  }
  Pacer* pacer = setup_.pacer;
  if (pacer != nullptr && !pacer->Wait(stop_)) return std::nullopt;
  const auto started = std::chrono::steady_clock::now();
  if (job.progress.attempts == 0) job.progress.first_start = started;
  if (setup_.each_address && job.origin.address_count == 0) {
    if (std::optional<Result> unresolved = SpreadOverAddresses(fetcher, job)) {
      RecordSpan(*unresolved, job, index, started);
      return unresolved;
    }
  }
  // Body checks need a body.
  const bool head = setup_.head && !job.progress.head_refused &&
                    !(job.checks.expect && job.checks.expect->NeedsBody());
  Result result = FetchAndJudge(fetcher, *setup_.judge, job, head ? Method::kHead : Method::kGet);
  const long status = result.transfer.http_status;
  if (head && !result.verdict.ok && (status == 405 || status == 501)) {
    job.progress.head_refused = true;  // and its retries go straight to GET
    if (pacer != nullptr && !pacer->Wait(stop_)) return std::nullopt;
    result = FetchAndJudge(fetcher, *setup_.judge, job, Method::kGet);
  }
  RecordSpan(result, job, index, started);
  return result;
}

}  // namespace fetchpool
