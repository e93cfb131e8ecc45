#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <iterator>
#include <optional>
#include <stop_token>
#include <utility>

#include "fetchpool/util/cond_var.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/mutex_lock.hpp"
#include "fetchpool/util/stop_wait.hpp"
#include "fetchpool/util/thread_annotations.hpp"

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
// any thread, take_all_until by one consumer at a time; mutex_ guards the queue and its waiters'
// bookkeeping.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Blocks while full. Returns false (and drops the item) when the queue is closed or `stop` is
  // requested.
  bool push(T item, const std::stop_token& stop = {}) EXCLUDES(mutex_) {
    StopWait wait(stop, not_full_);
    MutexLock lock(mutex_);
    if (!closed_ && items_.size() >= capacity_) {
      ++waiting_producers_;
      while (!closed_ && items_.size() >= capacity_ && wait.Wait(mutex_)) {
      }
      --waiting_producers_;
    }
    if (closed_ || stop.stop_requested() || items_.size() >= capacity_) return false;
    items_.push_back(std::move(item));
    const bool batch_ready = batch_waiting_ && items_.size() >= batch_size_;
    lock.Unlock();
    if (batch_ready) not_empty_.NotifyOne();
    return true;
  }

  // For the consumer: waits until `batch` items are queued, the queue closes, or `deadline`
  // passes, then moves every queued item to the back of `out` under one lock. False when it took
  // nothing: a timeout, or the end (closed() tells).
  // Deliberately not stop-aware: the printer drains until the queue closes, even after a stop,
  // so that every finished result is printed; `deadline` bounds each wait.
  template <typename Clock, typename Duration>
  bool take_all_until(std::chrono::time_point<Clock, Duration> deadline, std::size_t batch,
                      std::deque<T>& out) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    if (!closed_ && items_.size() < batch) {
      batch_waiting_ = true;
      batch_size_ = batch;
      while (!closed_ && items_.size() < batch && not_empty_.WaitUntil(mutex_, deadline)) {
      }
      batch_waiting_ = false;
    }
    if (items_.empty()) return false;
    if (out.empty()) {
      out.swap(items_);  // no element moves while producers wait for the lock
    } else {
      std::move(items_.begin(), items_.end(), std::back_inserter(out));
      items_.clear();
    }
    const bool wake = waiting_producers_ > 0;
    lock.Unlock();
    if (wake) not_full_.NotifyAll();
    return true;
  }

  // Never blocks: moves whatever is queued to the back of `out`; false when nothing was.
  bool try_take_all(std::deque<T>& out) EXCLUDES(mutex_) {
    return take_all_until(std::chrono::steady_clock::time_point::min(), 0, out);  // a batch of 0
  }

  // Wakes every waiter; later pushes fail, pops drain what is left.
  void close() EXCLUDES(mutex_) {
    {
      MutexLock lock(mutex_);
      closed_ = true;
    }
    not_full_.NotifyAll();
    not_empty_.NotifyAll();
  }

  bool closed() const EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    return closed_;
  }
  std::size_t size() const EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    return items_.size();
  }
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  mutable Mutex mutex_;
  CondVar not_full_;
  CondVar not_empty_;
  std::deque<T> items_ GUARDED_BY(mutex_);
  bool closed_ GUARDED_BY(mutex_) = false;
  int waiting_producers_ GUARDED_BY(mutex_) = 0;
  bool batch_waiting_ GUARDED_BY(mutex_) = false;  // the consumer waits in take_all_until
  std::size_t batch_size_ GUARDED_BY(mutex_) = 1;  // for this many items
};

}  // namespace fetchpool
