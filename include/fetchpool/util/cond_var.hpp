#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// std::condition_variable over a Mutex, as leveldb's port::CondVar. Callers wait in a loop on
// their own condition, `while (!ready) cv.Wait(mu);`, so clang checks that condition's reads
// against the lock (it cannot see into a predicate lambda). std::condition_variable rather than
// condition_variable_any, which takes an internal mutex on every wait and notify (that showed up
// as futex contention).
// Thread-safe.
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // Lets go of `mutex` until notified (or woken spuriously), then takes it again.
  void Wait(Mutex& mutex) REQUIRES(mutex) {
    std::unique_lock lock(mutex.mutex_, std::adopt_lock);
    cv_.wait(lock);
    static_cast<void>(lock.release());  // the caller's MutexLock still owns it
  }

  // As Wait, but gives up at `deadline`: false when it passed.
  template <typename Clock, typename Duration>
  bool WaitUntil(Mutex& mutex, std::chrono::time_point<Clock, Duration> deadline) REQUIRES(mutex) {
    std::unique_lock lock(mutex.mutex_, std::adopt_lock);
    const std::cv_status status = cv_.wait_until(lock, deadline);
    static_cast<void>(lock.release());
    return status == std::cv_status::no_timeout;
  }

  void NotifyOne() { cv_.notify_one(); }
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace fetchpool
