// A Clock that moves only when the test says so, so the dispatcher, the host table and the pacer
// run on virtual time: a test asserts that a retry comes exactly when its Retry-After ends, not
// "after at least 950 ms".
#pragma once

#include <atomic>
#include <list>
#include <memory>

#include "fetchpool/util/clock.hpp"
#include "fetchpool/util/cond_var.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/mutex_lock.hpp"
#include "fetchpool/util/stop_wait.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool::testing {

// Thread-safe: any thread may read it, sleep on it or move it.
class ManualClock final : public Clock {
 public:
  // Starts an hour past the steady clock's epoch: a time point of 0 means "not set" to a Job.
  ManualClock() : ticks_(std::chrono::duration_cast<duration>(std::chrono::hours(1)).count()) {}

  time_point Now() const override { return time_point(duration(ticks_.load())); }

  // Moves time on by `d`, waking whoever sleeps on this clock or watches it.
  void Advance(duration d) EXCLUDES(mutex_, watchers_mutex_) {
    {
      MutexLock lock(mutex_);
      ticks_ += d.count();
    }
    sleepers_.NotifyAll();
    MutexLock lock(watchers_mutex_);  // a watcher's handle waits for a wake in progress
    for (const std::function<void()>& wake : watchers_) wake();
  }

  bool SleepUntil(time_point when, const std::stop_token& stop) override EXCLUDES(mutex_) {
    StopWait wait(stop, sleepers_);
    MutexLock lock(mutex_);
    ++sleeping_;
    sleepers_.NotifyAll();  // for AwaitSleepers
    while (Now() < when && wait.Wait(mutex_)) {
    }
    --sleeping_;
    return !stop.stop_requested() && Now() >= when;
  }

  // Blocks until `n` threads sleep on this clock, so a test moves time only once they do.
  void AwaitSleepers(int n) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    while (sleeping_ < n) sleepers_.Wait(mutex_);
  }

  std::optional<time_point> WakeAt(time_point) const override { return std::nullopt; }

  std::shared_ptr<void> OnAdvance(std::function<void()> wake) override EXCLUDES(watchers_mutex_) {
    MutexLock lock(watchers_mutex_);
    auto it = watchers_.insert(watchers_.end(), std::move(wake));
    return std::shared_ptr<void>(nullptr, [this, it](void*) {
      MutexLock unwatch(watchers_mutex_);
      watchers_.erase(it);
    });
  }

 private:
  std::atomic<duration::rep> ticks_;
  Mutex mutex_;  // orders sleepers' checks against Advance
  CondVar sleepers_;
  int sleeping_ GUARDED_BY(mutex_) = 0;
  Mutex watchers_mutex_;
  std::list<std::function<void()>> watchers_ GUARDED_BY(watchers_mutex_);
};

}  // namespace fetchpool::testing
