#include "fetchpool/engine/run_deadline.hpp"

#include <utility>

#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool {

RunDeadline::RunDeadline(std::stop_source stop, std::chrono::steady_clock::time_point deadline)
    : stop_(std::move(stop)), timer_([this, deadline](const std::stop_token& cancel) {
        if (!SleepUnlessStopped(deadline, cancel)) return;
        fired_.store(true, std::memory_order_release);
        stop_.request_stop();
      }) {}

RunDeadline::~RunDeadline() {
  timer_.request_stop();
  if (timer_.joinable()) timer_.join();
}

}  // namespace fetchpool
