// A Clock that moves only when the test says so, so the dispatcher, the host table and the pacer
// run on virtual time: a test asserts that a retry comes exactly when its Retry-After ends, not
// "after at least 950 ms".
#pragma once

#include <atomic>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>

#include "fetchpool/util/clock.hpp"
#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool::testing {

// Thread-safe: any thread may read it, sleep on it or move it.
class ManualClock final : public Clock {
 public:
  // Starts an hour past the steady clock's epoch: a time point of 0 means "not set" to a Job.
  ManualClock() : ticks_(std::chrono::duration_cast<duration>(std::chrono::hours(1)).count()) {}

  time_point Now() const override { return time_point(duration(ticks_.load())); }

  // Moves time on by `d`, waking whoever sleeps on this clock or watches it.
  void Advance(duration d) {
    {
      std::lock_guard lock(mutex_);
      ticks_ += d.count();
    }
    sleepers_.notify_all();
    std::lock_guard lock(watchers_mutex_);  // a watcher's handle waits for a wake in progress
    for (const std::function<void()>& wake : watchers_) wake();
  }

  bool SleepUntil(time_point when, const std::stop_token& stop) override {
    std::unique_lock lock(mutex_);
    ++sleeping_;
    sleepers_.notify_all();  // for AwaitSleepers
    const bool woke =
        WaitUnlessStopped(lock, sleepers_, stop, std::nullopt, [&] { return Now() >= when; });
    --sleeping_;
    return woke;
  }

  // Blocks until `n` threads sleep on this clock, so a test moves time only once they do.
  void AwaitSleepers(int n) {
    std::unique_lock lock(mutex_);
    sleepers_.wait(lock, [&] { return sleeping_ >= n; });
  }

  std::optional<time_point> WakeAt(time_point) const override { return std::nullopt; }

  std::shared_ptr<void> OnAdvance(std::function<void()> wake) override {
    std::lock_guard lock(watchers_mutex_);
    auto it = watchers_.insert(watchers_.end(), std::move(wake));
    return std::shared_ptr<void>(nullptr, [this, it](void*) {
      std::lock_guard unwatch(watchers_mutex_);
      watchers_.erase(it);
    });
  }

 private:
  std::atomic<duration::rep> ticks_;
  std::mutex mutex_;  // orders sleepers' checks against Advance
  std::condition_variable sleepers_;
  int sleeping_ = 0;
  std::mutex watchers_mutex_;
  std::list<std::function<void()>> watchers_;
};

}  // namespace fetchpool::testing
