#pragma once

#include <chrono>
#include <optional>
#include <stop_token>

#include "fetchpool/util/cond_var.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/mutex_lock.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// The one stop-aware wait on a condition variable, which every stop-aware blocking member uses
// (BoundedQueue, Dispatcher, ReorderWindow, SystemResolver); timed sleeps use SleepUnlessStopped.
// The caller loops on its own condition, so clang checks it against the lock:
//
//   StopWait wait(stop, cv_);  // before the lock: it must die after the lock is let go
//   MutexLock lock(mu_);
//   while (!ready_ && wait.Wait(mu_)) {}
//   if (!ready_) return false;  // stopped
//
// The stop reaches the wait through a callback that notifies under the caller's mutex, so it
// cannot slip in between the condition's check and the wait. That callback is registered only
// when a wait actually blocks (it costs atomic operations on the stop state), with the mutex let
// go meanwhile: it runs at once when the stop already came, and it takes the mutex. For the same
// reason the StopWait must be destroyed without the mutex held: its destructor waits for a
// callback the stopping thread is running, which needs the mutex.
// Thread-compatible: one waiter, on one thread; the stop may come from any thread.
class StopWait {
 public:
  StopWait(std::stop_token stop, CondVar& cv) : stop_(std::move(stop)), cv_(cv) {}
  StopWait(const StopWait&) = delete;
  StopWait& operator=(const StopWait&) = delete;

  // With `mutex` held (the same one every time): false once a stop is requested, else waits for
  // a wake-up (a notify, the stop, a spurious one) and returns true so the caller looks again.
  bool Wait(Mutex& mutex) REQUIRES(mutex) {
    if (stop_.stop_requested()) return false;
    if (Arm(mutex)) return true;  // the mutex was let go meanwhile: look again first
    cv_.Wait(mutex);
    return !stop_.stop_requested();
  }

  // As Wait, but false too once `deadline` has passed.
  bool WaitUntil(Mutex& mutex, std::chrono::steady_clock::time_point deadline) REQUIRES(mutex) {
    if (stop_.stop_requested()) return false;
    if (Arm(mutex)) return true;
    return cv_.WaitUntil(mutex, deadline) && !stop_.stop_requested();
  }

  // WaitUntil with a deadline, or Wait without one.
  bool WaitUntil(Mutex& mutex, std::optional<std::chrono::steady_clock::time_point> deadline)
      REQUIRES(mutex) {
    return deadline ? WaitUntil(mutex, *deadline) : Wait(mutex);
  }

 private:
  struct Wake {
    Mutex* mutex;
    CondVar* cv;
    void operator()() const {
      MutexLock lock(*mutex);
      cv->NotifyAll();
    }
  };

  // Registers the callback on the first wait: true when it did (and let go of `mutex` to).
  bool Arm(Mutex& mutex) REQUIRES(mutex) {
    if (wake_ || !stop_.stop_possible()) return false;
    mutex.Unlock();
    wake_.emplace(stop_, Wake{&mutex, &cv_});
    mutex.Lock();
    return true;
  }

  std::stop_token stop_;
  CondVar& cv_;
  std::optional<std::stop_callback<Wake>> wake_;
};

// Sleeps until `deadline` unless `stop` comes first; false when it did.
bool SleepUnlessStopped(std::chrono::steady_clock::time_point deadline,
                        const std::stop_token& stop);

}  // namespace fetchpool
