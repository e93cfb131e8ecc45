#pragma once

#include <mutex>

#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// std::mutex as a capability clang's -Wthread-safety can follow: members marked GUARDED_BY(mu_)
// and functions marked REQUIRES(mu_) are checked at compile time. Lock it with MutexLock; wait on
// it with CondVar or StopWait.
// Thread-safe.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mutex_.lock(); }
  void Unlock() RELEASE() { mutex_.unlock(); }

 private:
  friend class CondVar;  // waits on the std::mutex itself
  std::mutex mutex_;
};

}  // namespace fetchpool
