#pragma once

#include <functional>
#include <stop_token>

#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {

// An eventfd that a stop request makes readable, so a thread blocked in poll() on input or
// output wakes up when the run stops.
// Thread-safe: the stop may come from any thread; fd() is for the owner's poll().
class StopWakeup {
 public:
  explicit StopWakeup(std::stop_token stop);
  StopWakeup(const StopWakeup&) = delete;
  StopWakeup& operator=(const StopWakeup&) = delete;

  int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
  std::stop_callback<std::function<void()>> callback_;  // last: destroyed before fd_ closes
};

}  // namespace fetchpool
