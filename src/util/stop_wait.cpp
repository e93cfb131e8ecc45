#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool {

bool SleepUnlessStopped(std::chrono::steady_clock::time_point deadline,
                        const std::stop_token& stop) {
  if (std::chrono::steady_clock::now() >= deadline) return !stop.stop_requested();
  std::mutex mutex;
  std::condition_variable cv;  // only ever woken by the stop
  std::unique_lock lock(mutex);
  WaitUnlessStopped(lock, cv, stop, deadline, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace fetchpool
