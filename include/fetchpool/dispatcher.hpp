#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "fetchpool/bounded_queue.hpp"
#include "fetchpool/delay_queue.hpp"
#include "fetchpool/host_limiter.hpp"
#include "fetchpool/job.hpp"
#include "fetchpool/retry_policy.hpp"

namespace fetchpool {

struct DispatchOptions {
  RetryOptions retry;
  int per_host = 0;      // 0: no limit beyond the number of workers
  int max_failures = 0;  // 0: never stop early
  // Jobs taken from the input and not yet reported (waiting, parked, retrying or running). Past
  // this the dispatcher takes no more input, so the reader feels back-pressure however many
  // jobs wait for a busy host or a retry.
  std::size_t max_pending = 1024;
  // Of those, how many may sit unstarted in the dispatcher's own hand-off line.
  std::size_t max_fresh = 64;
};

// One job handed to a worker, with what the dispatcher needs back.
struct Task {
  Job job;
  std::string host;            // HostKey, or empty when hosts are not limited or no request is made
  std::optional<Result> last;  // the previous attempt's outcome when this is a retry
};

// Decides what each worker runs next, and when the run is over. In order of preference: a retry
// whose time has come, a job parked for a host that now has a free slot, new input. Retries wait
// in a delay queue and parked jobs in per-host side queues, so neither holds a worker while other
// work is ready. Workers leave when the input is exhausted and nothing is waiting, parked,
// retrying or running; on a stop request (or once --max-failures is reached) at once.
// An intake thread moves jobs from the reader's queue into the dispatcher. Without retries,
// --per-host or --max-failures there is nothing to coordinate: workers then pop the reader's
// queue directly, as cheaply as before the dispatcher existed.
// Thread-safe: every member may be called from any thread.
class Dispatcher {
 public:
  using Clock = std::chrono::steady_clock;

  // `input` must outlive the dispatcher; `stop` is the whole run's.
  Dispatcher(BoundedQueue<Job>& input, const DispatchOptions& options, std::stop_token stop);
  // Stops and joins the intake thread.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // For the reader: stopped by the run's stop and when --max-failures is reached, so a reader
  // blocked on a full queue (or --ordered window) gives up once no more input is wanted.
  std::stop_token input_token() const { return input_stop_.get_token(); }

  // Blocks until a job may start now; nullopt when the worker should leave.
  std::optional<Task> Next();

  // Reports how a task from Next went. Returns the result to print, or nullopt when the job will
  // be retried (the dispatcher keeps it until its time comes).
  std::optional<Result> Finish(Task task, Result result);

  // For a task from Next that never started (a stop came first): its previous attempt's result,
  // if it had one, is its final word.
  std::optional<Result> Abandon(Task task);

  // After Next returned nullopt: the last results of jobs that were waiting for a retry when the
  // run stopped. Call until nullopt, before the results queue closes.
  std::optional<Result> TakeAbandoned();

  // Whether --max-failures stopped the run early.
  bool stopped_early() const;

 private:
  void Intake();
  // Waits on `cv` until `ready`, a stop, or `deadline`. std::condition_variable rather than
  // _any (which takes an internal mutex on every wait and notify); the stop reaches the wait
  // through a callback that notifies under mutex_.
  template <typename Ready>
  void Wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
            const std::stop_token& stop, std::optional<Clock::time_point> deadline, Ready ready);
  std::optional<Task> TakeRunnable();
  // Ends a job's stay: counts its result (if any) and wakes whoever that concerns.
  std::optional<Result> Settle(std::unique_lock<std::mutex>& lock, std::optional<Result> result,
                               bool slot_freed);
  void AbandonAll();
  bool Stopping() const { return failfast_ || stop_.stop_requested(); }
  // Wake-ups are batched as in BoundedQueue: the intake only once half its line is free.
  bool RoomForBatch() const;
  bool IntakeShouldWake() const { return intake_waiting_ && RoomForBatch(); }

  BoundedQueue<Job>& input_;
  const DispatchOptions options_;
  const bool direct_;  // nothing to coordinate: no intake, Next pops input_
  const std::size_t half_batch_;
  std::stop_token stop_;
  std::stop_source input_stop_;

  mutable std::mutex mutex_;
  std::condition_variable work_;  // workers: something may have become runnable, or the end
  std::condition_variable room_;  // intake: room for more input
  std::uint64_t generation_ = 0;  // bumped on every change a waiting worker must look at
  int idle_workers_ = 0;          // waiting in Next
  bool intake_waiting_ = false;
  std::deque<Task> fresh_;  // taken from the input, not yet started
  DelayQueue<Task> retries_;
  HostLimiter<Task> hosts_;
  std::deque<Result> abandoned_;
  std::size_t pending_ = 0;  // taken from the input and not yet reported
  std::uint64_t failures_ = 0;
  bool input_done_ = false;
  bool failfast_ = false;
  bool abandoned_all_ = false;
  std::mt19937_64 random_;

  std::stop_callback<std::function<void()>> link_;  // run stop -> input stop
  std::jthread intake_;                             // last: started once the rest exists
};

}  // namespace fetchpool
