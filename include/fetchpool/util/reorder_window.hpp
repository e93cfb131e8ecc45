#pragma once

#include <cstddef>
#include <stop_token>

#include "fetchpool/util/cond_var.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/mutex_lock.hpp"
#include "fetchpool/util/stop_wait.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// Bounds how far work may run ahead of in-order printing (--ordered): the reader takes a slot
// per job, the printer gives slots back as it prints in input order. When one slow URL holds the
// head, the window fills and new work waits, so buffered results never exceed the capacity.
// Thread-safe: Acquire on the reader, Release on the printer; mutex_ guards the count in use.
class ReorderWindow {
 public:
  explicit ReorderWindow(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Blocks while the window is full. False when `stop` is requested first.
  bool Acquire(const std::stop_token& stop) EXCLUDES(mutex_) {
    StopWait wait(stop, room_);
    MutexLock lock(mutex_);
    while (used_ >= capacity_ && wait.Wait(mutex_)) {
    }
    if (stop.stop_requested() || used_ >= capacity_) return false;
    ++used_;
    return true;
  }

  void Release(std::size_t n) EXCLUDES(mutex_) {
    {
      MutexLock lock(mutex_);
      used_ -= n < used_ ? n : used_;
    }
    room_.NotifyAll();
  }

  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  Mutex mutex_;
  CondVar room_;
  std::size_t used_ GUARDED_BY(mutex_) = 0;
};

}  // namespace fetchpool
