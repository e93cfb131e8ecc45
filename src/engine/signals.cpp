#include "fetchpool/engine/signals.hpp"

#include <pthread.h>
#include <unistd.h>

namespace fetchpool {
namespace {

// SIGUSR1 only wakes the watcher when it is time to leave; a stray one from outside is ignored.
constexpr int kWakeSignal = SIGUSR1;

sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, kWakeSignal);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(std::stop_source stop) : stop_(std::move(stop)) {
  std::signal(SIGPIPE, SIG_IGN);
  // Past RLIMIT_FSIZE a write then fails with EFBIG, which fails one URL with a reason, instead of
  // the signal killing the whole run.
  std::signal(SIGXFSZ, SIG_IGN);
  const sigset_t set = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
  thread_ = std::jthread([this] { Watch(); });
}

SignalWatcher::~SignalWatcher() {
  closing_.store(true, std::memory_order_release);
  pthread_kill(thread_.native_handle(), kWakeSignal);
  thread_.join();
  // After a signal the run is ending with 128 + its number; unblocking now would let a second
  // one, sent while the last lines are written, kill the process instead of that exit.
  if (received() == 0) pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void SignalWatcher::Watch() {
  const sigset_t set = WatchedSignals();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == kWakeSignal) {
      if (closing_.load(std::memory_order_acquire)) return;
      continue;
    }
    int expected = 0;
    if (!received_.compare_exchange_strong(expected, sig, std::memory_order_acq_rel)) {
      _exit(128 + expected);  // second signal: the user does not want to wait for a clean stop
    }
    stop_.request_stop();
  }
}

}  // namespace fetchpool
