#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace fetchpool {

// Items that become available at a time of their own (jobs waiting to be retried): a min-heap
// on the due time, first-in first-out among equal times. It never sleeps; its owner asks what is
// due and when to look next, so a waiting item holds no thread.
// Thread-compatible: the dispatcher guards it with its own mutex.
template <typename T>
class DelayQueue {
 public:
  using Clock = std::chrono::steady_clock;

  void Push(Clock::time_point due, T item) {
    entries_.push_back(Entry{due, next_order_++, std::move(item)});
    std::push_heap(entries_.begin(), entries_.end(), Later);
  }

  // The earliest due time, or nullopt when empty.
  std::optional<Clock::time_point> NextDue() const {
    if (entries_.empty()) return std::nullopt;
    return entries_.front().due;
  }

  // The earliest item if it is due at `now`.
  std::optional<T> PopDue(Clock::time_point now) {
    if (entries_.empty() || entries_.front().due > now) return std::nullopt;
    std::pop_heap(entries_.begin(), entries_.end(), Later);
    T item = std::move(entries_.back().item);
    entries_.pop_back();
    return item;
  }

  // Removes everything, due or not, earliest first.
  std::vector<T> TakeAll() {
    std::sort_heap(entries_.begin(), entries_.end(), Later);
    std::vector<T> out;
    out.reserve(entries_.size());
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
      out.push_back(std::move(it->item));
    entries_.clear();
    return out;
  }

  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Clock::time_point due;
    std::uint64_t order;
    T item;
  };
  // The heap's "less": the later entry has lower priority.
  static bool Later(const Entry& a, const Entry& b) {
    return a.due != b.due ? a.due > b.due : a.order > b.order;
  }

  std::vector<Entry> entries_;
  std::uint64_t next_order_ = 0;
};

}  // namespace fetchpool
