#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/mutex_lock.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// -v: one-line notes about hosts ("host example.com paused 1.0s (429) ..."), made by workers in
// the dispatcher and written to stderr by the printer, the one writer of the terminal. At most
// kMax notes wait; beyond that they are counted, not kept.
// Thread-safe: every member may be called from any thread; mutex_ guards the notes.
class HostNotes {
 public:
  static constexpr std::size_t kMax = 1000;

  void Push(std::string note) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    if (notes_.size() < kMax) {
      notes_.push_back(std::move(note));
    } else {
      ++dropped_;
    }
  }

  // Every waiting note, oldest first, then one saying how many were dropped, if any.
  std::vector<std::string> Take() EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    std::vector<std::string> out;
    out.swap(notes_);
    if (dropped_ > 0) {
      out.push_back("fetchpool: " + std::to_string(dropped_) + " more host notes not shown\n");
      dropped_ = 0;
    }
    return out;
  }

 private:
  Mutex mutex_;
  std::vector<std::string> notes_ GUARDED_BY(mutex_);
  std::size_t dropped_ GUARDED_BY(mutex_) = 0;
};

}  // namespace fetchpool
