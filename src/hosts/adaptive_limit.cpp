#include "fetchpool/hosts/adaptive_limit.hpp"

#include <algorithm>

namespace fetchpool {

bool AdaptiveLimit::OnThrottled(Clock::time_point started, Clock::time_point now) {
  run_ = 0;
  if (!adaptive_) return false;
  // Sent before the last cut: that cut already answered the burst this response belongs to.
  if (cut_ && started < last_cut_) return false;
  cut_ = true;
  last_cut_ = now;
  const int before = limit_;
  limit_ = std::max(1, (limit_ + 1) / 2);
  return limit_ != before;
}

bool AdaptiveLimit::OnSuccess() {
  if (!adaptive_ || limit_ >= max_) return false;
  if (++run_ < std::max(kMinRun, limit_)) return false;
  run_ = 0;
  ++limit_;
  return true;
}

}  // namespace fetchpool
