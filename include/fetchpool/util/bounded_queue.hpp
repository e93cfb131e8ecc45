#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>

#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool {

// A bounded multi-producer multi-consumer FIFO. Producers block while it is full, which is what
// keeps memory flat however long the input is; consumers block while it is empty. close() ends
// the stream: pending items are still delivered, then pop() returns nullopt.
//
// Wake-ups are batched, because at tens of thousands of items a second a futex wake and a context
// switch per item cost more than the work: a blocked producer is woken only once the queue has
// drained to half, and a consumer waiting in take_all_until() only once its batch is ready, and it
// takes the whole batch under one lock. Thread-safe: every member may be called from any thread.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity)
      : capacity_(capacity == 0 ? 1 : capacity), low_water_(capacity_ / 2) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Blocks while full. Returns false (and drops the item) when the queue is closed or `stop` is
  // requested.
  bool push(T item, std::stop_token stop = {}) {
    std::unique_lock lock(mutex_);
    if (!closed_ && items_.size() >= capacity_) {
      ++waiting_producers_;
      WaitUnlessStopped(lock, not_full_, stop, std::nullopt,
                        [&] { return closed_ || items_.size() < capacity_; });
      --waiting_producers_;
    }
    if (closed_ || stop.stop_requested() || items_.size() >= capacity_) return false;
    items_.push_back(std::move(item));
    const bool others_waiting = waiting_consumers_ > batch_waiters_;
    const bool batch_ready = batch_waiters_ > 0 && items_.size() >= batch_size_;
    // With a batch waiter on the same condition variable, notify_one might pick the wrong one.
    const bool wake_all = batch_waiters_ > 0 && (others_waiting || batch_ready);
    const bool wake_one = !wake_all && others_waiting;
    lock.unlock();
    if (wake_all) {
      not_empty_.notify_all();
    } else if (wake_one) {
      not_empty_.notify_one();
    }
    return true;
  }

  // Blocks while empty. Returns nullopt once the queue is closed and drained, or once `stop` is
  // requested (even if items remain: a stopping consumer takes no new work).
  std::optional<T> pop(std::stop_token stop = {}) {
    std::unique_lock lock(mutex_);
    if (!closed_ && items_.empty()) {
      ++waiting_consumers_;
      WaitUnlessStopped(lock, not_empty_, stop, std::nullopt,
                        [&] { return closed_ || !items_.empty(); });
      --waiting_consumers_;
    }
    if (items_.empty() || stop.stop_requested()) return std::nullopt;
    return take(lock);
  }

  // For a single consumer that prefers batches (the printer): waits until `batch` items are
  // queued, the queue closes, or `deadline` passes, then moves every queued item to the back of
  // `out` under one lock. False when it took nothing: a timeout, or the end (closed() tells).
  // Deliberately not stop-aware: the printer drains until the queue closes, even after a stop,
  // so that every finished result is printed; `deadline` bounds each wait.
  template <typename Clock, typename Duration>
  bool take_all_until(std::chrono::time_point<Clock, Duration> deadline, std::size_t batch,
                      std::deque<T>& out) {
    std::unique_lock lock(mutex_);
    if (!closed_ && items_.size() < batch) {
      ++waiting_consumers_;
      ++batch_waiters_;
      batch_size_ = batch;
      not_empty_.wait_until(lock, deadline, [&] { return closed_ || items_.size() >= batch; });
      --batch_waiters_;
      --waiting_consumers_;
    }
    return take_all(lock, out);
  }

  // Never blocks: moves whatever is queued to the back of `out`; false when nothing was.
  bool try_take_all(std::deque<T>& out) {
    std::unique_lock lock(mutex_);
    return take_all(lock, out);
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
    const bool wake = waiting_producers_ > 0 && items_.size() <= low_water_;
    lock.unlock();
    if (wake) not_full_.notify_all();
    return item;
  }

  bool take_all(std::unique_lock<std::mutex>& lock, std::deque<T>& out) {
    if (items_.empty()) return false;
    if (out.empty()) {
      out.swap(items_);  // no element moves while producers wait for the lock
    } else {
      std::move(items_.begin(), items_.end(), std::back_inserter(out));
      items_.clear();
    }
    const bool wake = waiting_producers_ > 0;
    lock.unlock();
    if (wake) not_full_.notify_all();
    return true;
  }

  const std::size_t capacity_;
  const std::size_t low_water_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
  int waiting_producers_ = 0;
  int waiting_consumers_ = 0;
  int batch_waiters_ = 0;       // consumers inside take_all_until (at most one at a time)
  std::size_t batch_size_ = 1;  // the batch that consumer waits for
};

}  // namespace fetchpool
