#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <stop_token>

namespace fetchpool {

// --rate: spaces request starts evenly across every worker. Each start takes the next slot,
// max(now, previous slot + interval), so the first start goes at once, later ones never closer
// than `interval`, and idle time earns no burst.
// Thread-safe: every member may be called from any thread.
class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  // `now` is injectable for tests.
  explicit Pacer(Clock::duration interval, std::function<Clock::time_point()> now = &Clock::now);

  // Takes the next slot and returns its time (without waiting for it).
  Clock::time_point Reserve();

  // Takes the next slot and sleeps until it. False when `stop` came first.
  bool Wait(const std::stop_token& stop);

  Clock::duration interval() const { return interval_; }

 private:
  const Clock::duration interval_;
  const std::function<Clock::time_point()> now_;
  std::mutex mutex_;
  bool started_ = false;
  Clock::time_point last_{};
};

}  // namespace fetchpool
