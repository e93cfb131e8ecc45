#pragma once

#include <stop_token>

#include "fetchpool/util/clock.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// --rate: spaces request starts evenly across every worker. Each start takes the next slot,
// max(now, previous slot + interval), so the first start goes at once, later ones never closer
// than `interval`, and idle time earns no burst.
// Thread-safe: every member may be called from any thread; mutex_ guards the last slot.
class Pacer {
 public:
  // Slots go by `clock`, which must outlive the pacer.
  Pacer(Clock::duration interval, Clock& clock);

  // Takes the next slot and returns its time (without waiting for it).
  Clock::time_point Reserve() EXCLUDES(mutex_);

  // Takes the next slot and sleeps until it. False when `stop` came first.
  bool Wait(const std::stop_token& stop) EXCLUDES(mutex_);

 private:
  const Clock::duration interval_;
  Clock& clock_;
  Mutex mutex_;
  bool started_ GUARDED_BY(mutex_) = false;
  Clock::time_point last_ GUARDED_BY(mutex_){};
};

}  // namespace fetchpool
