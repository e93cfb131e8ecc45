#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace fetchpool {

// -v: one-line notes about hosts ("host example.com paused 1.0s (429) ..."), made by workers in
// the dispatcher and written to stderr by the printer, the one writer of the terminal. At most
// kMax notes wait; beyond that they are counted, not kept.
// Thread-safe: every member may be called from any thread.
class HostNotes {
 public:
  static constexpr std::size_t kMax = 1000;

  void Push(std::string note) {
    std::lock_guard lock(mutex_);
    if (notes_.size() < kMax) {
      notes_.push_back(std::move(note));
    } else {
      ++dropped_;
    }
  }

  // Every waiting note, oldest first, then one saying how many were dropped, if any.
  std::vector<std::string> Take() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.swap(notes_);
    if (dropped_ > 0) {
      out.push_back("fetchpool: " + std::to_string(dropped_) + " more host notes not shown\n");
      dropped_ = 0;
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> notes_;
  std::size_t dropped_ = 0;
};

}  // namespace fetchpool
