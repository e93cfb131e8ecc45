#pragma once

#include <atomic>
#include <csignal>
#include <stop_token>
#include <thread>

namespace fetchpool {

// Turns SIGINT, SIGTERM and SIGHUP into a stop request, without doing anything in a signal
// handler: the signals are blocked in every thread and a dedicated thread takes them with
// sigwait. A second signal while stopping exits at once (the user insists). SIGPIPE is ignored,
// so a closed stdout shows up as a write error (EPIPE) that the printer handles; SIGXFSZ too, so
// a file-size limit shows up as EFBIG on the one file that hit it.
// Construct it before starting any other thread (they inherit the signal mask). Destruction
// restores the mask, unless a signal came: then they stay blocked until the process exits.
// Thread-safety: received() may be called from any thread.
class SignalWatcher {
 public:
  explicit SignalWatcher(std::stop_source stop);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // The first signal taken, or 0.
  int received() const { return received_.load(std::memory_order_acquire); }

 private:
  void Watch();

  std::stop_source stop_;
  sigset_t previous_mask_;
  std::atomic<int> received_{0};
  std::atomic<bool> closing_{false};
  std::jthread thread_;
};

}  // namespace fetchpool
