#include "fetchpool/engine/dispatcher.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "fetchpool/hosts/host_policies.hpp"
#include "fetchpool/util/mutex_lock.hpp"
#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool {

DispatchCapacity DispatchCapacity::ForWorkers(int workers) {
  const auto n = static_cast<std::size_t>(std::max(workers, 1));
  // The hand-off line is deep enough that the workers outlast a reader descheduled for a
  // while: at 64 they ran dry whenever the reader (slower per URL with --state) lost its core,
  // and waited in Next 3,400 times per 10k URLs instead of 700.
  return {.max_pending = std::max(kMinPending, 16 * n),
          .max_fresh = std::max(kMinFresh, 8 * n),
          .max_running = static_cast<int>(n)};
}

namespace {

HostRules RulesOf(const DispatchOptions& options, const DispatchCapacity& capacity) {
  auto ms = [](double s) {
    return std::chrono::milliseconds(static_cast<long long>(std::clamp(s, 0.0, 1e9) * 1000.0));
  };
  const int ceiling = options.per_host > 0       ? options.per_host
                      : capacity.max_running > 0 ? capacity.max_running
                                                 : 1024;
  return {.max_at_once = ceiling,
          .adaptive = options.adaptive,
          .start_interval = options.per_host_interval,
          .throttle_wait = ms(options.retry.wait_s),
          .max_wait = ms(options.retry.max_wait_s)};
}

// Per-host rules from the config's sections, or none (every host has the run's).
HostTable<Task>::RulesLookup RulesLookup(const HostPolicies* policies,
                                         const DispatchOptions& options,
                                         const DispatchCapacity& capacity) {
  if (policies == nullptr || policies->size() <= 1) return {};
  return [policies, options, capacity](const std::string& host) {
    const HostPolicy& p = policies->For(host);
    DispatchOptions own = options;
    own.per_host = p.per_host;
    own.per_host_interval = p.per_host_interval;
    return RulesOf(own, capacity);
  };
}

}  // namespace

Dispatcher::Dispatcher(const DispatchOptions& options, DispatchCapacity capacity,
                       std::stop_token stop, HostNotes* notes, Clock& clock,
                       const HostPolicies* policies)
    : options_(options),
      capacity_(capacity),
      half_batch_(std::max<std::size_t>(1, std::min(capacity.max_fresh, capacity.max_pending) / 2)),
      // Deep enough to look past the jobs skipped for busy hosts (a few per worker), shallow
      // enough that a scan costs little next to a transfer.
      affinity_window_(std::clamp<std::size_t>(
          4 * static_cast<std::size_t>(std::max(capacity.max_running, 1)), 32, 256)),
      stop_(std::move(stop)),
      hosts_(RulesOf(options, capacity), RulesLookup(policies, options, capacity)),
      book_(capacity.max_running, capacity.held_connections),
      stats_(options.host_stats ? std::make_unique<HostStatsBook>() : nullptr),
      notes_(notes),
      random_(std::random_device{}()),
      clock_(clock),
      link_(stop_, [this] { input_stop_.request_stop(); }),
      clock_watch_(clock_.OnAdvance([this] {
        {
          MutexLock lock(mutex_);
          ++generation_;
        }
        work_.NotifyAll();
      })) {}

bool Dispatcher::RoomForBatch() const {
  return fresh_.size() + half_batch_ <= capacity_.max_fresh &&
         pending_ + half_batch_ <= capacity_.max_pending;
}

bool Dispatcher::Submit(Job job) {
  Task task;
  task.job = std::move(job);
  const std::stop_token input = input_stop_.get_token();
  StopWait wait(input, room_);
  MutexLock lock(mutex_);
  if (!HasRoom()) {
    reader_waiting_ = true;
    while (!RoomForBatch() && wait.Wait(mutex_)) {
    }
    reader_waiting_ = false;
  }
  if (input.stop_requested() || Stopping()) return false;
  task.job.progress.ready_at = clock_.Now();  // handed over: from here on it waits for a worker
  fresh_.push_back(std::move(task));
  ++pending_;
  const bool wake = idle_workers_ > 0;
  if (wake) ++generation_;
  lock.Unlock();
  if (wake) work_.NotifyOne();
  return true;
}

void Dispatcher::CloseInput() {
  MutexLock lock(mutex_);
  input_done_ = true;
  ++generation_;
  const bool wake = idle_workers_ > 0;
  lock.Unlock();
  if (wake) work_.NotifyAll();  // the end may have come
}

void Dispatcher::AddSiblings(std::vector<Job> jobs) {
  if (jobs.empty()) return;
  const Clock::time_point now = clock_.Now();
  MutexLock lock(mutex_);
  if (Stopping()) return;
  for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
    Task task;
    task.job = std::move(*it);
    task.job.progress.ready_at = now;
    fresh_.push_front(std::move(task));
  }
  pending_ += jobs.size();
  const bool wake = idle_workers_ > 0;
  if (wake) ++generation_;
  lock.Unlock();
  if (wake) work_.NotifyAll();
}

std::optional<Task> Dispatcher::Next(int worker) {
  StopWait wait(stop_, work_);
  MutexLock lock(mutex_);
  for (;;) {
    if (Stopping()) {
      AbandonAll();
      return std::nullopt;
    }
    Wakes wakes;
    if (std::optional<Task> task = Hand(clock_.Now(), worker, wakes)) {
      Announce(wakes);
      lock.Unlock();
      Notify(wakes);
      return task;
    }
    if (input_done_ && pending_ == 0) return std::nullopt;
    const std::uint64_t seen = generation_;
    ++idle_workers_;
    const std::optional<Clock::time_point> due = NextDeadline();
    const std::optional<Clock::time_point> deadline = due ? clock_.WakeAt(*due) : std::nullopt;
    while (generation_ == seen && wait.WaitUntil(mutex_, deadline)) {
    }
    --idle_workers_;
  }
}

std::optional<Task> Dispatcher::Hand(Clock::time_point now, int worker, Wakes& wakes) {
  std::optional<Task> task = TakeRunnable(now, worker);
  if (!task) return task;
  task->started = now;
  if (task->job.target.invalid.empty()) book_.Used(worker, task->job.target.host);
  // Pass the baton: whoever waited for the next retry's time may just have become busy.
  wakes.worker = idle_workers_ > 0 && (!fresh_.empty() || hosts_.HasReady() || !retries_.empty() ||
                                       hosts_.NextWake().has_value());
  wakes.room = ReaderShouldWake();
  return task;
}

std::optional<Clock::time_point> Dispatcher::NextDeadline() const {
  const std::optional<Clock::time_point> retry = retries_.NextDue();
  const std::optional<Clock::time_point> host = hosts_.NextWake();
  if (retry && host) return std::min(*retry, *host);
  return retry ? retry : host;
}

std::optional<Task> Dispatcher::TakeRunnable(Clock::time_point now, int worker) {
  hosts_.Wake(now);  // hosts whose pause or rate slot has ended
  // Due retries first; one whose host may not start now waits at the front of its line.
  while (std::optional<Task> task = retries_.PopDue(now)) {
    if (hosts_.TryAcquire(task->job.target.host, now)) return task;
    std::string host = task->job.target.host;
    hosts_.Park(host, std::move(*task), now, /*front=*/true);
  }
  if (const std::string& last = book_.Last(worker); !last.empty()) {
    if (std::optional<Task> task = hosts_.TakeParkedFor(last, now)) return task;
  }
  if (std::optional<Task> task = TakeFreshFor(worker, now)) return task;
  if (std::optional<Task> task = hosts_.TakeReady(now)) return task;
  if (std::optional<Task> task = TakeFreshForNewConnection(now)) return task;
  // Every host in sight is busy: a second connection to one beats an idle worker.
  while (!fresh_.empty()) {
    Task task = TakeFreshAt(0);
    if (hosts_.TryAcquire(task.job.target.host, now)) return task;
    std::string host = task.job.target.host;
    hosts_.Park(host, std::move(task), now);  // and look again: another host may be free
  }
  return std::nullopt;
}

std::optional<Task> Dispatcher::TakeFreshFor(int worker, Clock::time_point now) {
  if (worker < 0) return std::nullopt;
  const std::string& last = book_.Last(worker);
  const std::size_t n = std::min(fresh_.size(), affinity_window_);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& host = fresh_[i].job.target.host;
    // The same host as last time is the common case, and needs no look-up.
    if (host.empty() || (host != last && book_.Holder(host) != worker)) continue;
    if (hosts_.TryAcquire(host, now)) return TakeFreshAt(i);
    // Full, paused or spaced out: the job keeps its place, and its host's line decides later.
  }
  return std::nullopt;
}

std::optional<Task> Dispatcher::TakeFreshForNewConnection(Clock::time_point now) {
  const std::size_t n = std::min(fresh_.size(), affinity_window_);
  std::size_t idle_but_held = n;  // first job whose host is idle, but another worker holds it
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& host = fresh_[i].job.target.host;
    if (!host.empty() && hosts_.active(host) > 0) continue;
    if (!host.empty() && book_.Holder(host) >= 0) {
      if (idle_but_held == n) idle_but_held = i;
      continue;  // its holder may come back for it and reuse its connection
    }
    if (hosts_.TryAcquire(host, now)) return TakeFreshAt(i);
  }
  if (idle_but_held < n && hosts_.TryAcquire(fresh_[idle_but_held].job.target.host, now)) {
    return TakeFreshAt(idle_but_held);
  }
  return std::nullopt;
}

Task Dispatcher::TakeFreshAt(std::size_t index) {
  Task task = std::move(fresh_[index]);
  fresh_.erase(fresh_.begin() + static_cast<std::ptrdiff_t>(index));
  return task;
}

bool Dispatcher::ReleaseHost(const Task& task, const Result* result) {
  const Clock::time_point now = clock_.Now();
  const std::optional<Clock::time_point> wake_before = hosts_.NextWake();
  if (result == nullptr) {  // it never started: the host learns nothing
    hosts_.Release(task.job.target.host, now, {});
    return hosts_.HasReady() || hosts_.NextWake() != wake_before;
  }
  const HostChange change = hosts_.Release(task.job.target.host, now,
                                           {.started = task.started,
                                            .http_status = result->transfer.http_status,
                                            .retry_after = result->transfer.retry_after});
  if (stats_) {
    stats_->Attempt(task.job.target.host, *result,
                    std::chrono::duration_cast<std::chrono::microseconds>(now - task.started));
    if (change.paused_more.count() > 0) stats_->Paused(task.job.target.host, change.paused_more);
  }
  if (change.pause.count() > 0 && notes_ != nullptr)
    NotePause(task.job.target.host, change, result->transfer.http_status);
  return hosts_.HasReady() || hosts_.NextWake() != wake_before;
}

void Dispatcher::NotePause(const std::string& host, const HostChange& change, long status) {
  const double seconds = std::chrono::duration<double>(change.pause).count();
  notes_->Push(fmt::format(
      "fetchpool: host {} paused {:.1f}s ({}){}\n", host, seconds, status,
      change.cut ? fmt::format(", now at most {} at once", change.limit) : std::string()));
}

std::optional<Task> Dispatcher::FinishAndTake(Task task, Result result, std::optional<Result>& done,
                                              int worker) {
  MutexLock lock(mutex_);
  Wakes wakes;
  done = Conclude(std::move(task), std::move(result), wakes);
  std::optional<Task> next;
  if (!Stopping() && !wakes.everyone) {
    Wakes handing;
    next = Hand(clock_.Now(), worker, handing);
    if (next) {
      // This worker takes the freed slot itself: wake another only for work beyond it.
      wakes.worker = handing.worker;
      wakes.room = handing.room;
    }
  }
  Announce(wakes);
  lock.Unlock();
  Notify(wakes);
  return next;
}

std::optional<Result> Dispatcher::Conclude(Task task, Result result, Wakes& wakes) {
  const bool freed = ReleaseHost(task, &result);
  if (!result.verdict.ok && !Stopping() && options_.retry.retries > 0) {
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    if (const auto delay = RetryDelay(options_.retry, result, unit)) {
      task.job.progress.attempts = result.transfer.attempts;
      task.job.progress.ready_at = clock_.Now();  // its wait for the retry starts now
      task.last = std::move(result);
      retries_.Push(clock_.Now() + *delay, std::move(task));
      // An idle worker must learn the new due time (or take the freed slot).
      wakes.due = idle_workers_ > 0;
      return std::nullopt;
    }
  }
  // A retry cut short by a stop is no verdict; the attempt before it is.
  if (result.verdict.error_kind == ErrorKind::kAborted && task.last) result = std::move(*task.last);
  if (stats_) stats_->Verdict(task.job.target.host, result);
  return Settle(std::move(result), freed, wakes);
}

std::optional<Result> Dispatcher::Abandon(Task task) {
  MutexLock lock(mutex_);
  const bool freed = ReleaseHost(task, nullptr);
  if (stats_ && task.last) stats_->Verdict(task.job.target.host, *task.last);
  Wakes wakes;
  std::optional<Result> done = Settle(std::move(task.last), freed, wakes);
  Announce(wakes);
  lock.Unlock();
  Notify(wakes);
  return done;
}

std::optional<Result> Dispatcher::Settle(std::optional<Result> result, bool slot_freed,
                                         Wakes& wakes) {
  --pending_;
  if (result && !result->verdict.ok && !result->verdict.warning &&
      result->verdict.error_kind != ErrorKind::kAborted) {
    ++failures_;
    if (options_.max_failures > 0 &&
        failures_ >= static_cast<std::uint64_t>(options_.max_failures) && !failfast_) {
      failfast_ = true;
      wakes.input_stop = true;
    }
  }
  // The end of the run (or of taking input) concerns every waiting worker; a freed slot, one.
  wakes.everyone = idle_workers_ > 0 && (wakes.input_stop || (input_done_ && pending_ == 0));
  wakes.worker = idle_workers_ > 0 && slot_freed;
  wakes.room = ReaderShouldWake();
  return result;
}

void Dispatcher::Announce(const Wakes& wakes) {
  if (wakes.everyone || wakes.worker || wakes.due) ++generation_;
}

void Dispatcher::Notify(const Wakes& wakes) {
  if (wakes.input_stop) input_stop_.request_stop();  // the reader stops taking input
  if (wakes.room) room_.NotifyOne();
  if (wakes.everyone) {
    work_.NotifyAll();
  } else if (wakes.worker || wakes.due) {
    work_.NotifyOne();
  }
}

void Dispatcher::AbandonAll() {
  if (abandoned_all_) return;
  abandoned_all_ = true;
  // Unstarted jobs are dropped, as a stop drops unread input; jobs waiting for a retry report
  // their last attempt.
  pending_ -= fresh_.size();
  fresh_.clear();
  std::vector<Task> waiting = retries_.TakeAll();
  for (Task& task : hosts_.TakeAllParked()) waiting.push_back(std::move(task));
  for (Task& task : waiting) {
    --pending_;
    if (task.last) abandoned_.push_back(std::move(*task.last));
  }
}

std::optional<Result> Dispatcher::TakeAbandoned() {
  MutexLock lock(mutex_);
  if (abandoned_.empty()) return std::nullopt;
  Result result = std::move(abandoned_.front());
  abandoned_.pop_front();
  return result;
}

std::vector<HostStatsRow> Dispatcher::HostStats() const {
  MutexLock lock(mutex_);
  return stats_ ? stats_->Rows() : std::vector<HostStatsRow>{};
}

bool Dispatcher::stopped_early() const {
  MutexLock lock(mutex_);
  return failfast_;
}

}  // namespace fetchpool
