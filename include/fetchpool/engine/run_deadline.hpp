#pragma once

#include <atomic>
#include <chrono>
#include <stop_token>
#include <thread>

namespace fetchpool {

// --max-time: requests the run's stop once `deadline` passes, as Ctrl-C would, and remembers
// that it did so the run can tell a deadline from a signal.
// Thread-safety: fired() may be called from any thread.
class RunDeadline {
 public:
  RunDeadline(std::stop_source stop, std::chrono::steady_clock::time_point deadline);
  // Cancels the timer if it has not fired.
  ~RunDeadline();
  RunDeadline(const RunDeadline&) = delete;
  RunDeadline& operator=(const RunDeadline&) = delete;

  bool fired() const { return fired_.load(std::memory_order_acquire); }

 private:
  std::stop_source stop_;
  std::atomic<bool> fired_{false};
  std::jthread timer_;  // last: its thread uses the members above
};

}  // namespace fetchpool
