#pragma once

#include <exception>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// The first unexpected exception of a run, from whichever thread it came: the printer, a sink,
// the reader, a worker. Expected failures are values (Result, Status) and never get here; what
// does (std::bad_alloc, a bug) is noted once, and the run's stop is requested so every thread
// winds down and nobody waits in a join for a thread that will never come. The run then exits
// 2 with this one message.
// Thread-safe: every member may be called from any thread; mutex_ guards the message.
class Fault {
 public:
  explicit Fault(std::stop_source stop) : stop_(std::move(stop)) {}
  Fault(const Fault&) = delete;
  Fault& operator=(const Fault&) = delete;

  // Runs `body`; an exception it throws is noted as having happened in `where` ("the
  // printer", "a worker") and stops the run.
  template <typename Body>
  void Guard(std::string_view where, Body&& body) noexcept {
    try {
      std::forward<Body>(body)();
    } catch (...) {
      Record(where, std::current_exception());
    }
  }

  // Notes `error`, thrown in `where`, unless an earlier one was noted, and stops the run.
  void Record(std::string_view where, const std::exception_ptr& error) noexcept EXCLUDES(mutex_);

  // "unexpected error in the printer: what()"; empty while nothing went wrong.
  std::string message() const EXCLUDES(mutex_);

 private:
  std::stop_source stop_;
  mutable Mutex mutex_;
  std::string message_ GUARDED_BY(mutex_);
};

}  // namespace fetchpool
