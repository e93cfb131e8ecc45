#include "fetchpool/engine/pacer.hpp"

#include <algorithm>

#include "fetchpool/util/mutex_lock.hpp"

namespace fetchpool {

Pacer::Pacer(Clock::duration interval, Clock& clock) : interval_(interval), clock_(clock) {}

Clock::time_point Pacer::Reserve() {
  MutexLock lock(mutex_);
  const Clock::time_point now = clock_.Now();
  last_ = started_ ? std::max(now, last_ + interval_) : now;
  started_ = true;
  return last_;
}

bool Pacer::Wait(const std::stop_token& stop) { return clock_.SleepUntil(Reserve(), stop); }

}  // namespace fetchpool
