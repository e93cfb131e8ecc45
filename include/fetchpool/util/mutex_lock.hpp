#pragma once

#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// Holds a Mutex from construction to destruction, as std::unique_lock does, in terms clang's
// -Wthread-safety follows. Unlock() lets go early (to notify, or to call out, without the lock);
// Lock() takes it again.
// Thread-compatible: one scope on one thread.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.Lock(); }
  ~MutexLock() RELEASE() {
    if (locked_) mutex_.Unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() RELEASE() {
    mutex_.Unlock();
    locked_ = false;
  }
  void Lock() ACQUIRE() {
    mutex_.Lock();
    locked_ = true;
  }

 private:
  Mutex& mutex_;
  bool locked_ = true;
};

}  // namespace fetchpool
