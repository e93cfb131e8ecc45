#include "fetchpool/pacer.hpp"

#include <algorithm>
#include <utility>

namespace fetchpool {

Pacer::Pacer(Clock::duration interval, std::function<Clock::time_point()> now)
    : interval_(interval), now_(std::move(now)) {}

Pacer::Clock::time_point Pacer::Reserve() {
  std::lock_guard lock(mutex_);
  const Clock::time_point now = now_();
  last_ = started_ ? std::max(now, last_ + interval_) : now;
  started_ = true;
  return last_;
}

bool Pacer::Wait(const std::stop_token& stop) {
  const Clock::time_point slot = Reserve();
  std::unique_lock lock(mutex_);
  // The predicate is only the stop: the wait ends at the slot time or on a stop request.
  wake_.wait_until(lock, stop, slot, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace fetchpool
