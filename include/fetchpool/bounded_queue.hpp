#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>

namespace fetchpool {

// A bounded multi-producer multi-consumer FIFO. Producers block while it is full, which is what
// keeps memory flat however long the input is; consumers block while it is empty. close() ends
// the stream: pending items are still delivered, then pop() returns nullopt.
// Thread-safe: every member may be called from any thread.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Blocks while full. Returns false (and drops the item) when the queue is closed or `stop` is
  // requested.
  bool push(T item, std::stop_token stop = {}) {
    std::unique_lock lock(mutex_);
    if (!not_full_.wait(lock, stop, [&] { return closed_ || items_.size() < capacity_; }) ||
        closed_ || stop.stop_requested()) {
      return false;
    }
    items_.push_back(std::move(item));
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  // Blocks while empty. Returns nullopt once the queue is closed and drained, or once `stop` is
  // requested (even if items remain: a stopping consumer takes no new work).
  std::optional<T> pop(std::stop_token stop = {}) {
    std::unique_lock lock(mutex_);
    if (!not_empty_.wait(lock, stop, [&] { return closed_ || !items_.empty(); }) ||
        items_.empty() || stop.stop_requested()) {
      return std::nullopt;
    }
    return take(lock);
  }

  // Like pop() without a stop token, but gives up at `deadline`: nullopt then too (closed() and
  // size() tell a timeout from the end of the stream).
  template <typename Clock, typename Duration>
  std::optional<T> pop_until(std::chrono::time_point<Clock, Duration> deadline) {
    std::unique_lock lock(mutex_);
    if (!not_empty_.wait_until(lock, deadline, [&] { return closed_ || !items_.empty(); }) ||
        items_.empty()) {
      return std::nullopt;
    }
    return take(lock);
  }

  // Never blocks: nullopt when nothing is ready right now.
  std::optional<T> try_pop() {
    std::unique_lock lock(mutex_);
    if (items_.empty()) return std::nullopt;
    return take(lock);
  }

  // Wakes every waiter; later pushes fail, pops drain what is left.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  std::size_t capacity() const { return capacity_; }

 private:
  T take(std::unique_lock<std::mutex>& lock) {
    T item = std::move(items_.front());
    items_.pop_front();
    lock.unlock();
    not_full_.notify_one();
    return item;
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable_any not_full_;
  std::condition_variable_any not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace fetchpool
