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

// A bounded multi-producer FIFO with one consumer that takes everything queued at once (the
// printer). Producers block while it is full, which is what keeps memory flat however long the
// input is. close() ends the stream: pending items are still delivered, then the consumer's
// take_all_until() says so at once.
//
// Wake-ups are batched, because at tens of thousands of items a second a futex wake and a context
// switch per item cost more than the work: blocked producers are woken when the consumer has
// taken everything queued, and the consumer waiting in take_all_until() only once its batch is
// ready, and it takes the whole batch under one lock. Thread-safe: every member may be called from
// any thread, take_all_until by one consumer at a time.
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
    if (!closed_ && items_.size() >= capacity_) {
      ++waiting_producers_;
      WaitUnlessStopped(lock, not_full_, stop, std::nullopt,
                        [&] { return closed_ || items_.size() < capacity_; });
      --waiting_producers_;
    }
    if (closed_ || stop.stop_requested() || items_.size() >= capacity_) return false;
    items_.push_back(std::move(item));
    const bool batch_ready = batch_waiting_ && items_.size() >= batch_size_;
    lock.unlock();
    if (batch_ready) not_empty_.notify_one();
    return true;
  }

  // For the consumer: waits until `batch` items are queued, the queue closes, or `deadline`
  // passes, then moves every queued item to the back of `out` under one lock. False when it took
  // nothing: a timeout, or the end (closed() tells).
  // Deliberately not stop-aware: the printer drains until the queue closes, even after a stop,
  // so that every finished result is printed; `deadline` bounds each wait.
  template <typename Clock, typename Duration>
  bool take_all_until(std::chrono::time_point<Clock, Duration> deadline, std::size_t batch,
                      std::deque<T>& out) {
    std::unique_lock lock(mutex_);
    if (!closed_ && items_.size() < batch) {
      batch_waiting_ = true;
      batch_size_ = batch;
      not_empty_.wait_until(lock, deadline, [&] { return closed_ || items_.size() >= batch; });
      batch_waiting_ = false;
    }
    return take_all(lock, out);
  }

  // Never blocks: moves whatever is queued to the back of `out`; false when nothing was.
  bool try_take_all(std::deque<T>& out) {
    std::unique_lock lock(mutex_);
    return take_all(lock, out);
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
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
  int waiting_producers_ = 0;
  bool batch_waiting_ = false;  // the consumer waits in take_all_until
  std::size_t batch_size_ = 1;  // for this many items
};

}  // namespace fetchpool
