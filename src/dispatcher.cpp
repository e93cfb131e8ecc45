#include "fetchpool/dispatcher.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace fetchpool {

Dispatcher::Dispatcher(BoundedQueue<Job>& input, const DispatchOptions& options,
                       std::stop_token stop)
    : input_(input),
      options_(options),
      direct_(options.retry.retries == 0 && options.per_host == 0 && options.max_failures == 0),
      half_batch_(std::max<std::size_t>(1, std::min(options.max_fresh, options.max_pending) / 2)),
      stop_(std::move(stop)),
      hosts_(options.per_host),
      random_(std::random_device{}()),
      link_(stop_, [this] { input_stop_.request_stop(); }),
      intake_([this] {
        if (!direct_) Intake();
      }) {}

Dispatcher::~Dispatcher() {
  input_stop_.request_stop();
  if (intake_.joinable()) intake_.join();
}

template <typename Ready>
void Dispatcher::Wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                      const std::stop_token& stop, std::optional<Clock::time_point> deadline,
                      Ready ready) {
  lock.unlock();  // the callback may run at once, and it takes the lock
  {
    std::stop_callback wake(stop, [&] {
      std::lock_guard guard(mutex_);
      cv.notify_all();
    });
    lock.lock();
    const auto done = [&] { return stop.stop_requested() || ready(); };
    if (deadline) {
      cv.wait_until(lock, *deadline, done);
    } else {
      cv.wait(lock, done);
    }
    // Unlocked while the callback is destroyed: if a stop is running it right now, the
    // destructor waits for it, and it waits for the lock.
    lock.unlock();
  }
  lock.lock();
}

bool Dispatcher::RoomForBatch() const {
  return fresh_.size() + half_batch_ <= options_.max_fresh &&
         pending_ + half_batch_ <= options_.max_pending;
}

void Dispatcher::Intake() {
  const std::stop_token token = input_stop_.get_token();
  std::vector<Task> batch;
  for (;;) {
    std::size_t room = 0;
    {
      std::unique_lock lock(mutex_);
      if (!RoomForBatch() && !token.stop_requested()) {
        intake_waiting_ = true;
        Wait(lock, room_, token, std::nullopt, [&] { return RoomForBatch(); });
        intake_waiting_ = false;
      }
      if (token.stop_requested()) break;
      room = std::min(options_.max_fresh - fresh_.size(), options_.max_pending - pending_);
    }
    // One blocking pop, then whatever else is already queued: one hand-over per batch.
    std::optional<Job> job = input_.pop(token);
    if (!job) break;
    do {
      Task task;
      // Parsing the URL again costs little next to a transfer, and only --per-host needs it.
      if (options_.per_host > 0 && job->invalid.empty()) task.host = HostKey(job->url);
      task.job = std::move(*job);
      batch.push_back(std::move(task));
    } while (batch.size() < room && (job = input_.try_pop()));
    std::unique_lock lock(mutex_);
    if (Stopping()) break;
    for (Task& task : batch) fresh_.push_back(std::move(task));
    pending_ += batch.size();
    const std::size_t added = batch.size();
    batch.clear();
    const int idle = idle_workers_;
    ++generation_;
    lock.unlock();
    if (idle > 0 && added >= static_cast<std::size_t>(idle)) {
      work_.notify_all();
    } else {
      for (std::size_t i = 0; i < added && idle > 0; ++i) work_.notify_one();
    }
  }
  std::unique_lock lock(mutex_);
  input_done_ = true;
  ++generation_;
  const int idle = idle_workers_;
  lock.unlock();
  if (idle > 0) work_.notify_all();  // the end may have come
}

std::optional<Task> Dispatcher::Next() {
  if (direct_) {
    std::optional<Job> job = input_.pop(stop_);
    if (!job) return std::nullopt;
    return Task{.job = std::move(*job), .host = {}, .last = {}};
  }
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
      const bool room = IntakeShouldWake();
      if (more) ++generation_;
      lock.unlock();
      if (room) room_.notify_one();
      if (more) work_.notify_one();
      return task;
    }
    if (input_done_ && pending_ == 0) return std::nullopt;
    const std::uint64_t seen = generation_;
    ++idle_workers_;
    Wait(lock, work_, stop_, retries_.NextDue(), [&] { return generation_ != seen; });
    --idle_workers_;
  }
}

std::optional<Task> Dispatcher::TakeRunnable() {
  const Clock::time_point now = Clock::now();
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
  if (direct_) return result;
  std::unique_lock lock(mutex_);
  hosts_.Release(task.host);
  const bool freed = hosts_.HasReady();
  if (!result.ok && !Stopping()) {
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
  return Settle(lock, std::move(result), freed);
}

std::optional<Result> Dispatcher::Abandon(Task task) {
  if (direct_) return std::nullopt;  // only retries have a previous attempt
  std::unique_lock lock(mutex_);
  hosts_.Release(task.host);
  return Settle(lock, std::move(task.last), hosts_.HasReady());
}

std::optional<Result> Dispatcher::Settle(std::unique_lock<std::mutex>& lock,
                                         std::optional<Result> result, bool slot_freed) {
  --pending_;
  bool tripped = false;
  if (result && !result->ok && result->error_kind != ErrorKind::kAborted) {
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
  const bool room = IntakeShouldWake();
  if (wake) ++generation_;
  lock.unlock();
  if (tripped) input_stop_.request_stop();  // the reader and the intake stop taking input
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
  // Unstarted jobs are dropped, as a stop drops the reader's queue; jobs waiting for a retry
  // report their last attempt. (The intake is stopping too: its token follows this one.)
  pending_ -= fresh_.size();
  fresh_.clear();
  auto keep = [&](Task& task) {
    --pending_;
    if (task.last) abandoned_.push_back(std::move(*task.last));
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
