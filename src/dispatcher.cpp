#include "fetchpool/dispatcher.hpp"

#include <algorithm>
#include <utility>

#include "fetchpool/stop_wait.hpp"
#include "fetchpool/url_history.hpp"

namespace fetchpool {

DispatchCapacity DispatchCapacity::ForWorkers(int workers) {
  const auto n = static_cast<std::size_t>(std::max(workers, 1));
  return {.max_pending = std::max<std::size_t>(1024, 16 * n),
          .max_fresh = std::max<std::size_t>(64, 2 * n)};
}

Dispatcher::Dispatcher(const DispatchOptions& options, DispatchCapacity capacity,
                       std::stop_token stop)
    : options_(options),
      capacity_(capacity),
      half_batch_(std::max<std::size_t>(1, std::min(capacity.max_fresh, capacity.max_pending) / 2)),
      stop_(std::move(stop)),
      hosts_(options.per_host),
      random_(std::random_device{}()),
      link_(stop_, [this] { input_stop_.request_stop(); }) {}

bool Dispatcher::RoomForBatch() const {
  return fresh_.size() + half_batch_ <= capacity_.max_fresh &&
         pending_ + half_batch_ <= capacity_.max_pending;
}

bool Dispatcher::Submit(Job job) {
  Task task;
  // Only --per-host needs the host, and parsing it here keeps it out of the lock.
  if (options_.per_host > 0 && job.invalid.empty()) task.host = HostKey(job.url);
  task.job = std::move(job);
  const std::stop_token input = input_stop_.get_token();
  std::unique_lock lock(mutex_);
  if (!HasRoom()) {
    reader_waiting_ = true;
    WaitUnlessStopped(lock, room_, input, std::nullopt, [&] { return RoomForBatch(); });
    reader_waiting_ = false;
  }
  if (input.stop_requested() || Stopping()) return false;
  fresh_.push_back(std::move(task));
  ++pending_;
  const bool wake = idle_workers_ > 0;
  if (wake) ++generation_;
  lock.unlock();
  if (wake) work_.notify_one();
  return true;
}

void Dispatcher::CloseInput() {
  std::unique_lock lock(mutex_);
  input_done_ = true;
  ++generation_;
  const bool wake = idle_workers_ > 0;
  lock.unlock();
  if (wake) work_.notify_all();  // the end may have come
}

std::optional<Task> Dispatcher::Next() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (Stopping()) {
      AbandonAll();
      return std::nullopt;
    }
    if (std::optional<Task> task = TakeRunnable()) {
      // Pass the baton: whoever waited for the next retry's time may just have become busy.
      const bool more =
          idle_workers_ > 0 && (!fresh_.empty() || hosts_.HasReady() || !retries_.empty());
      const bool room = ReaderShouldWake();
      if (more) ++generation_;
      lock.unlock();
      if (room) room_.notify_one();
      if (more) work_.notify_one();
      return task;
    }
    if (input_done_ && pending_ == 0) return std::nullopt;
    const std::uint64_t seen = generation_;
    ++idle_workers_;
    WaitUnlessStopped(lock, work_, stop_, retries_.NextDue(), [&] { return generation_ != seen; });
    --idle_workers_;
  }
}

std::optional<Task> Dispatcher::TakeRunnable() {
  const Clock::time_point now = retries_.empty() ? Clock::time_point{} : Clock::now();
  for (;;) {
    // Due retries first; one whose host is busy waits at the front of that host's line.
    while (std::optional<Task> task = retries_.PopDue(now)) {
      if (hosts_.TryAcquire(task->host)) return task;
      std::string host = task->host;
      hosts_.Park(host, std::move(*task), /*front=*/true);
    }
    if (std::optional<Task> task = hosts_.TakeReady()) return task;
    if (fresh_.empty()) return std::nullopt;
    Task task = std::move(fresh_.front());
    fresh_.pop_front();
    if (hosts_.TryAcquire(task.host)) return task;
    std::string host = task.host;
    hosts_.Park(host, std::move(task));  // and look again: another host may be free
  }
}

std::optional<Result> Dispatcher::Finish(Task task, Result result) {
  std::unique_lock lock(mutex_);
  hosts_.Release(task.host);
  const bool freed = hosts_.HasReady();
  if (!result.ok && !Stopping() && options_.retry.retries > 0) {
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    if (const auto delay = RetryDelay(options_.retry, result, unit)) {
      task.job.attempts = result.attempts;
      task.last = std::move(result);
      retries_.Push(Clock::now() + *delay, std::move(task));
      // An idle worker must learn the new due time (or take the freed slot).
      const bool wake = idle_workers_ > 0;
      if (wake) ++generation_;
      lock.unlock();
      if (wake) work_.notify_one();
      return std::nullopt;
    }
  }
  // A retry cut short by a stop is no verdict; the attempt before it is.
  if (result.error_kind == ErrorKind::kAborted && task.last) result = std::move(*task.last);
  ApplyHistory(task.job, result);  // the final verdict: --fail-after, "change"
  return Settle(lock, std::move(result), freed);
}

std::optional<Result> Dispatcher::Abandon(Task task) {
  std::unique_lock lock(mutex_);
  hosts_.Release(task.host);
  if (task.last) ApplyHistory(task.job, *task.last);
  return Settle(lock, std::move(task.last), hosts_.HasReady());
}

std::optional<Result> Dispatcher::Settle(std::unique_lock<std::mutex>& lock,
                                         std::optional<Result> result, bool slot_freed) {
  --pending_;
  bool tripped = false;
  if (result && !result->ok && !result->warning && result->error_kind != ErrorKind::kAborted) {
    ++failures_;
    if (options_.max_failures > 0 &&
        failures_ >= static_cast<std::uint64_t>(options_.max_failures) && !failfast_) {
      failfast_ = true;
      tripped = true;
    }
  }
  // The end of the run (or of taking input) concerns every waiting worker; a freed slot, one.
  const bool everyone = tripped || (input_done_ && pending_ == 0);
  const bool wake = idle_workers_ > 0 && (everyone || slot_freed);
  const bool room = ReaderShouldWake();
  if (wake) ++generation_;
  lock.unlock();
  if (tripped) input_stop_.request_stop();  // the reader stops taking input
  if (room) room_.notify_one();
  if (wake && everyone) {
    work_.notify_all();
  } else if (wake) {
    work_.notify_one();
  }
  return result;
}

void Dispatcher::AbandonAll() {
  if (abandoned_all_) return;
  abandoned_all_ = true;
  // Unstarted jobs are dropped, as a stop drops unread input; jobs waiting for a retry report
  // their last attempt.
  pending_ -= fresh_.size();
  fresh_.clear();
  auto keep = [&](Task& task) {
    --pending_;
    if (!task.last) return;
    ApplyHistory(task.job, *task.last);
    abandoned_.push_back(std::move(*task.last));
  };
  for (Task& task : retries_.TakeAll()) keep(task);
  for (Task& task : hosts_.TakeAllParked()) keep(task);
}

std::optional<Result> Dispatcher::TakeAbandoned() {
  std::lock_guard lock(mutex_);
  if (abandoned_.empty()) return std::nullopt;
  Result result = std::move(abandoned_.front());
  abandoned_.pop_front();
  return result;
}

bool Dispatcher::stopped_early() const {
  std::lock_guard lock(mutex_);
  return failfast_;
}

}  // namespace fetchpool
