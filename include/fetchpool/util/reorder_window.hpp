#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stop_token>

#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool {

// Bounds how far work may run ahead of in-order printing (--ordered): the reader takes a slot
// per job, the printer gives slots back as it prints in input order. When one slow URL holds the
// head, the window fills and new work waits, so buffered results never exceed the capacity.
// Thread-safe: Acquire on the reader, Release on the printer.
class ReorderWindow {
 public:
  explicit ReorderWindow(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Blocks while the window is full. False when `stop` is requested first.
  bool Acquire(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    if (!WaitUnlessStopped(lock, room_, stop, std::nullopt, [&] { return used_ < capacity_; })) {
      return false;
    }
    ++used_;
    return true;
  }

  void Release(std::size_t n) {
    {
      std::lock_guard lock(mutex_);
      used_ -= n < used_ ? n : used_;
    }
    room_.notify_all();
  }

  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable room_;
  std::size_t used_ = 0;
};

}  // namespace fetchpool
