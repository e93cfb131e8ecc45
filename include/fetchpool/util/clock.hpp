#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

namespace fetchpool {

// The time the dispatcher, the host table and the --rate pacer go by, behind a small interface
// (as ninja's tests replace the disk), so their tests run on virtual time and assert exact
// orders instead of sleeping. Production uses SteadyClock(); tests a clock they move by hand
// (tests/support/manual_clock.hpp).
// Thread-safety: every member may be called from any thread.
class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;

  virtual ~Clock() = default;
  virtual time_point Now() const = 0;
  // Sleeps until `when` on this clock unless `stop` comes first; false when it did.
  virtual bool SleepUntil(time_point when, const std::stop_token& stop) = 0;
  // For a waiter on its own condition variable that must wake at `when` on this clock: the
  // std::chrono::steady_clock deadline to wait until, or nullopt when only time moving on
  // (OnAdvance) can bring `when`.
  virtual std::optional<time_point> WakeAt(time_point when) const = 0;
  // Calls `wake` after every jump of this clock, until the returned handle is destroyed. A clock
  // that flows by itself (the steady clock) never calls it and returns null.
  virtual std::shared_ptr<void> OnAdvance(std::function<void()> wake) = 0;
};

// std::chrono::steady_clock: the clock of every real run.
Clock& SteadyClock();

}  // namespace fetchpool
