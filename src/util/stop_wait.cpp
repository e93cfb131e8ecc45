#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool {

bool SleepUnlessStopped(std::chrono::steady_clock::time_point deadline,
                        const std::stop_token& stop) {
  if (std::chrono::steady_clock::now() >= deadline) return !stop.stop_requested();
  Mutex mutex;
  CondVar cv;  // only ever woken by the stop
  StopWait wait(stop, cv);
  MutexLock lock(mutex);
  while (wait.WaitUntil(mutex, deadline)) {
  }
  return !stop.stop_requested();
}

}  // namespace fetchpool
