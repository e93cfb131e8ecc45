#include "fetchpool/engine/pacer.hpp"

#include <algorithm>
#include <utility>

#include "fetchpool/util/stop_wait.hpp"

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

bool Pacer::Wait(const std::stop_token& stop) { return SleepUnlessStopped(Reserve(), stop); }

}  // namespace fetchpool
