#include "fetchpool/run_deadline.hpp"

#include <condition_variable>
#include <mutex>
#include <utility>

namespace fetchpool {

RunDeadline::RunDeadline(std::stop_source stop, std::chrono::steady_clock::time_point deadline)
    : stop_(std::move(stop)), timer_([this, deadline](const std::stop_token& cancel) {
        std::mutex mutex;
        std::condition_variable_any wake;  // only ever woken by the cancel request
        std::unique_lock lock(mutex);
        wake.wait_until(lock, cancel, deadline, [] { return false; });
        if (cancel.stop_requested()) return;
        fired_.store(true, std::memory_order_release);
        stop_.request_stop();
      }) {}

RunDeadline::~RunDeadline() {
  timer_.request_stop();
  if (timer_.joinable()) timer_.join();
}

}  // namespace fetchpool
