#include "fetchpool/dispatcher.hpp"

#include <utility>

namespace fetchpool {

Dispatcher::Dispatcher(BoundedQueue<Job>& input, const DispatchOptions& options,
                       std::stop_token stop)
    : input_(input),
      options_(options),
      stop_(std::move(stop)),
      hosts_(options.per_host),
      random_(std::random_device{}()),
      link_(stop_, [this] { input_stop_.request_stop(); }),
      intake_([this] { Intake(); }) {}

Dispatcher::~Dispatcher() {
  input_stop_.request_stop();
  if (intake_.joinable()) intake_.join();
}

void Dispatcher::Intake() {
  for (;;) {
    if (!WaitForRoom()) break;
    std::optional<Job> job = input_.pop(input_stop_.get_token());
    if (!job) break;
    Task task;
    // Parsing the URL again costs little next to a transfer, and only --per-host needs it.
    if (options_.per_host > 0 && job->invalid.empty()) task.host = HostKey(job->url);
    task.job = std::move(*job);
    {
      std::lock_guard lock(mutex_);
      if (Stopping()) break;
      fresh_.push_back(std::move(task));
      ++pending_;
    }
    Changed(false);
  }
  {
    std::lock_guard lock(mutex_);
    input_done_ = true;
  }
  Changed(true);
}

bool Dispatcher::WaitForRoom() {
  std::unique_lock lock(mutex_);
  return room_.wait(lock, input_stop_.get_token(), [&] {
    return pending_ < options_.max_pending && fresh_.size() < options_.max_fresh;
  });
}

void Dispatcher::Changed(bool everyone) {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  if (everyone) {
    work_.notify_all();
  } else {
    work_.notify_one();
  }
}

std::optional<Task> Dispatcher::Next() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (Stopping()) {
      AbandonAll();
      return std::nullopt;
    }
    if (std::optional<Task> task = TakeRunnable(lock)) {
      // Pass the baton: whoever waited for the next retry's time may just have become busy.
      const bool more = !fresh_.empty() || hosts_.HasReady() || !retries_.empty();
      lock.unlock();
      if (more) Changed(false);
      return task;
    }
    if (input_done_ && pending_ == 0) return std::nullopt;
    const std::uint64_t seen = generation_;
    const auto changed = [&] { return generation_ != seen; };
    if (const std::optional<Clock::time_point> due = retries_.NextDue()) {
      work_.wait_until(lock, stop_, *due, changed);
    } else {
      work_.wait(lock, stop_, changed);
    }
  }
}

std::optional<Task> Dispatcher::TakeRunnable(std::unique_lock<std::mutex>&) {
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
    room_.notify_one();
    if (hosts_.TryAcquire(task.host)) return task;
    std::string host = task.host;
    hosts_.Park(host, std::move(task));  // and look again: another host may be free
  }
}

std::optional<Result> Dispatcher::Finish(Task task, Result result) {
  std::unique_lock lock(mutex_);
  hosts_.Release(task.host);
  if (!result.ok && !Stopping()) {
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    if (const auto delay = RetryDelay(options_.retry, result, unit)) {
      task.job.attempts = result.attempts;
      task.last = std::move(result);
      retries_.Push(Clock::now() + *delay, std::move(task));
      lock.unlock();
      Changed(false);
      return std::nullopt;
    }
  }
  // A retry cut short by a stop is no verdict; the attempt before it is.
  if (result.error_kind == ErrorKind::kAborted && task.last) result = std::move(*task.last);
  return Complete(lock, std::move(result));
}

std::optional<Result> Dispatcher::Abandon(Task task) {
  std::unique_lock lock(mutex_);
  hosts_.Release(task.host);
  if (task.last) return Complete(lock, std::move(*task.last));
  --pending_;
  lock.unlock();
  room_.notify_one();
  Changed(true);
  return std::nullopt;
}

std::optional<Result> Dispatcher::Complete(std::unique_lock<std::mutex>& lock, Result result) {
  --pending_;
  bool tripped = false;
  if (!result.ok && result.error_kind != ErrorKind::kAborted) {
    ++failures_;
    if (options_.max_failures > 0 &&
        failures_ >= static_cast<std::uint64_t>(options_.max_failures) && !failfast_) {
      failfast_ = true;
      tripped = true;
    }
  }
  // The end of the run (or of taking input) concerns every waiting worker; a freed slot, one.
  const bool everyone = tripped || (input_done_ && pending_ == 0);
  lock.unlock();
  if (tripped) input_stop_.request_stop();  // the reader and the intake stop taking input
  room_.notify_one();
  Changed(everyone);
  return result;
}

void Dispatcher::AbandonAll() {
  if (abandoned_all_) return;
  abandoned_all_ = true;
  // Unstarted jobs are dropped, as a stop drops the reader's queue; jobs waiting for a retry
  // report their last attempt.
  pending_ -= fresh_.size();
  fresh_.clear();
  auto keep = [&](Task& task) {
    --pending_;
    if (task.last) abandoned_.push_back(std::move(*task.last));
  };
  for (Task& task : retries_.TakeAll()) keep(task);
  for (Task& task : hosts_.TakeAllParked()) keep(task);
  room_.notify_all();
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
