#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stop_token>

namespace fetchpool {

// Waits on `cv`, with `lock` held, until `ready()` holds, `stop` is requested, or `deadline`
// passes; returns whether `ready()` holds (and no stop came) at the end. The one stop-aware
// wait that every stop-aware blocking member uses (BoundedQueue, Dispatcher, ReorderWindow);
// timed sleeps use SleepUnlessStopped.
//
// std::condition_variable rather than condition_variable_any, which takes an internal mutex on
// every wait and notify (that showed up as futex contention). The stop reaches the wait through
// a callback that notifies under the caller's mutex, so it cannot slip in between the predicate
// check and the wait.
template <typename Ready>
bool WaitUnlessStopped(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                       const std::stop_token& stop,
                       std::optional<std::chrono::steady_clock::time_point> deadline, Ready ready) {
  const auto done = [&] { return stop.stop_requested() || ready(); };
  if (done()) return !stop.stop_requested();
  auto wait = [&] {
    if (deadline) {
      cv.wait_until(lock, *deadline, done);
    } else {
      cv.wait(lock, done);
    }
  };
  if (!stop.stop_possible()) {
    wait();
    return ready();
  }
  std::mutex& mutex = *lock.mutex();
  lock.unlock();  // the callback may run at once, and it takes the lock
  {
    std::stop_callback wake(stop, [&] {
      std::lock_guard guard(mutex);
      cv.notify_all();
    });
    lock.lock();
    wait();
    // ~stop_callback waits for a callback the stopping thread is running, and that callback
    // needs the lock: holding it here would deadlock.
    lock.unlock();
  }
  lock.lock();  // the state may have moved on meanwhile
  return !stop.stop_requested() && ready();
}

// Sleeps until `deadline` unless `stop` comes first; false when it did.
bool SleepUnlessStopped(std::chrono::steady_clock::time_point deadline,
                        const std::stop_token& stop);

}  // namespace fetchpool
