#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <vector>

#include "fetchpool/core/dispatch_options.hpp"
#include "fetchpool/core/job.hpp"
#include "fetchpool/engine/connection_book.hpp"
#include "fetchpool/hosts/host_notes.hpp"
#include "fetchpool/hosts/host_stats.hpp"
#include "fetchpool/hosts/host_table.hpp"
#include "fetchpool/util/clock.hpp"
#include "fetchpool/util/cond_var.hpp"
#include "fetchpool/util/delay_queue.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

class HostPolicies;

// How many jobs the dispatcher holds before the reader feels back-pressure.
struct DispatchCapacity {
  static constexpr std::size_t kMinPending = 1024;  // ForWorkers' floors, and the defaults
  static constexpr std::size_t kMinFresh = 256;
  // Taken from the input and not yet reported (waiting, parked, retrying or running), so the
  // reader waits however many jobs wait for a busy host or a retry.
  std::size_t max_pending = kMinPending;
  // Of those, how many may sit unstarted in the hand-off line.
  std::size_t max_fresh = kMinFresh;
  // The workers: the ceiling of a host's adaptive limit without --per-host (0: 1024).
  int max_running = 0;
  // Connections each worker's handle keeps open (CURLOPT_MAXCONNECTS): what the dispatcher's
  // ConnectionBook mirrors to give a host's URLs to the worker connected to it.
  std::size_t held_connections = 5;

  // Enough to keep every worker busy, small enough that memory stays flat.
  static DispatchCapacity ForWorkers(int workers);
};

// One job handed to a worker, with what the dispatcher needs back.
struct Task {
  Job job;
  std::optional<Result> last;  // the previous attempt's outcome when this is a retry
  std::chrono::steady_clock::time_point started{};  // when Next handed it out
};

// The only queue between the reader and the workers. It decides what each worker runs next and
// when the run is over: a retry whose time has come, then a job parked for a host that may start
// again, then new input. Retries wait in a delay queue and jobs for a host that is busy, paused
// (429, 503 + Retry-After) or waiting for its --per-host-rate slot in that host's side queue
// (HostTable), so none holds a worker while other work is ready: an idle worker waits only until
// the next retry or host is due. The reader blocks in Submit
// while the dispatcher is full. Workers leave when the input is closed and nothing is waiting,
// parked, retrying or running; on a stop request (or once --max-failures is reached) at once.
// Wake-ups are batched: a blocked reader is woken only once half the hand-off line is free.
// Thread-safe: every member may be called from any thread. One mutex guards all the scheduling
// state; it is never held while a worker fetches, and waiters are woken after it is let go.
class Dispatcher {
 public:
  // `stop` is the whole run's. `notes` (-v; null without it) is told when a host is paused.
  // Retries, pauses and rate slots go by `clock`, which must outlive the dispatcher.
  // `policies`, if given, has per-host --per-host and --per-host-rate (it must outlive the
  // dispatcher); without, every host has `options`' own.
  Dispatcher(const DispatchOptions& options, DispatchCapacity capacity, std::stop_token stop,
             HostNotes* notes, Clock& clock, const HostPolicies* policies = nullptr);
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // For the reader: stopped by the run's stop and when --max-failures is reached, so a reader
  // blocked on input (or on the --ordered window) gives up once no more input is wanted.
  std::stop_token input_token() const { return input_stop_.get_token(); }

  // Hands a validated job over (ValidateJob: its host keyed, none for an invalid line), blocking
  // while the dispatcher is full. False (the job is dropped) once no more input is wanted.
  bool Submit(Job job) EXCLUDES(mutex_);
  // The reader is done: once everything submitted is reported, Next tells workers to leave.
  void CloseInput() EXCLUDES(mutex_);

  // --each-address: the jobs a worker made of one it holds, one per other address of its host.
  // They go before new input and count as submitted; never refused for room (a worker must not
  // wait for the reader's limits), and dropped once the run is stopping.
  void AddSiblings(std::vector<Job> jobs) EXCLUDES(mutex_);

  // Blocks until a job may start now; nullopt when the worker should leave. `worker` (0-based,
  // -1: none) is who asks: a job for a host that worker is still connected to goes first, after
  // due retries, and a new connection goes to a host nobody is connected to.
  std::optional<Task> Next(int worker) EXCLUDES(mutex_);

  // Reports how a task from Next went, and under the same lock takes the next task if one may
  // start right now (nullopt: call Next, which waits), so a busy worker takes one lock and makes
  // no wake-up per job. `done` is the result to print, or nullopt when the job will be retried
  // (the dispatcher keeps it until its time comes). `worker` is as for Next, so the worker's
  // open connections are reused instead of another worker opening its own.
  std::optional<Task> FinishAndTake(Task task, Result result, std::optional<Result>& done,
                                    int worker) EXCLUDES(mutex_);

  // For a task from Next that never started (a stop came first): its previous attempt's result,
  // if it had one, is its final word.
  std::optional<Result> Abandon(Task task) EXCLUDES(mutex_);

  // After Next returned nullopt: the last results of jobs that were waiting for a retry when the
  // run stopped. Call until nullopt, before the results queue closes.
  std::optional<Result> TakeAbandoned() EXCLUDES(mutex_);

  // Whether --max-failures stopped the run early.
  bool stopped_early() const EXCLUDES(mutex_);

  // --host-stats: every host's totals, worst first; empty without it. After the workers left.
  std::vector<HostStatsRow> HostStats() const EXCLUDES(mutex_);

 private:
  // Whom to wake once the lock is released.
  struct Wakes {
    bool room = false;        // the reader: room for a batch
    bool worker = false;      // one idle worker: a slot freed, or more runnable work
    bool due = false;         // one idle worker: the next retry's due time moved
    bool everyone = false;    // every idle worker: the end of the run, or --max-failures
    bool input_stop = false;  // --max-failures reached: the reader stops taking input
  };

  std::optional<Task> TakeRunnable(Clock::time_point now, int worker) REQUIRES(mutex_);
  // Host affinity, within the first affinity_window_ fresh jobs: the first whose host `worker`
  // holds a connection to and may start now.
  std::optional<Task> TakeFreshFor(int worker, Clock::time_point now) REQUIRES(mutex_);
  // For a new connection: the first fresh job whose host has no transfer running and no
  // connection held by any worker, else the first whose host is merely idle, so a new
  // connection goes where nobody is connected rather than doubling up on a busy host.
  std::optional<Task> TakeFreshForNewConnection(Clock::time_point now) REQUIRES(mutex_);
  Task TakeFreshAt(std::size_t index) REQUIRES(mutex_);
  // Takes a task that may start now for `worker` and marks it started; decides the baton pass.
  std::optional<Task> Hand(Clock::time_point now, int worker, Wakes& wakes) REQUIRES(mutex_);
  // Learns from an attempt's answer (null: it never started) and gives its host slot back;
  // true when an idle worker must look again (a slot freed, or a host's wake-up moved).
  bool ReleaseHost(const Task& task, const Result* result) REQUIRES(mutex_);
  void NotePause(const std::string& host, const HostChange& change, long status);
  std::optional<Clock::time_point> NextDeadline() const REQUIRES(mutex_);
  // Finish under the lock: parks the job for a retry (nullopt) or gives its final result.
  std::optional<Result> Conclude(Task task, Result result, Wakes& wakes) REQUIRES(mutex_);
  // Ends a job's stay: counts its result (if any) and notes whom that concerns.
  std::optional<Result> Settle(std::optional<Result> result, bool slot_freed, Wakes& wakes)
      REQUIRES(mutex_);
  // Wakes as noted: Announce under the lock (idle workers see the generation move), then Notify
  // once it is let go.
  void Announce(const Wakes& wakes) REQUIRES(mutex_);
  void Notify(const Wakes& wakes) EXCLUDES(mutex_);
  void AbandonAll() REQUIRES(mutex_);
  bool Stopping() const REQUIRES(mutex_) { return failfast_ || stop_.stop_requested(); }
  bool HasRoom() const REQUIRES(mutex_) {
    return fresh_.size() < capacity_.max_fresh && pending_ < capacity_.max_pending;
  }
  bool RoomForBatch() const REQUIRES(mutex_);
  bool ReaderShouldWake() const REQUIRES(mutex_) { return reader_waiting_ && RoomForBatch(); }

  const DispatchOptions options_;
  const DispatchCapacity capacity_;
  const std::size_t half_batch_;
  const std::size_t affinity_window_;
  std::stop_token stop_;
  std::stop_source input_stop_;

  mutable Mutex mutex_;
  CondVar work_;  // workers: something may have become runnable, or the end
  CondVar room_;  // the reader: room for more input
  // Bumped on every change a waiting worker must look at.
  std::uint64_t generation_ GUARDED_BY(mutex_) = 0;
  int idle_workers_ GUARDED_BY(mutex_) = 0;  // waiting in Next
  bool reader_waiting_ GUARDED_BY(mutex_) = false;
  std::deque<Task> fresh_ GUARDED_BY(mutex_);  // submitted, not yet started
  DelayQueue<Task> retries_ GUARDED_BY(mutex_);
  HostTable<Task> hosts_ GUARDED_BY(mutex_);
  ConnectionBook book_ GUARDED_BY(mutex_);
  const std::unique_ptr<HostStatsBook> stats_ PT_GUARDED_BY(mutex_);  // --host-stats only
  HostNotes* const notes_;                                            // thread-safe itself
  std::deque<Result> abandoned_ GUARDED_BY(mutex_);
  std::size_t pending_ GUARDED_BY(mutex_) = 0;  // submitted and not yet reported
  std::uint64_t failures_ GUARDED_BY(mutex_) = 0;
  bool input_done_ GUARDED_BY(mutex_) = false;
  bool failfast_ GUARDED_BY(mutex_) = false;
  bool abandoned_all_ GUARDED_BY(mutex_) = false;
  std::mt19937_64 random_ GUARDED_BY(mutex_);

  Clock& clock_;
  std::stop_callback<std::function<void()>> link_;  // run stop -> input stop
  // A virtual clock's jumps wake idle workers, as the passing of real time does; last, so it is
  // gone before anything its callback touches.
  std::shared_ptr<void> clock_watch_;
};

}  // namespace fetchpool
