#pragma once

#include <chrono>
#include <stop_token>
#include <string>

#include "fetchpool/bounded_queue.hpp"
#include "fetchpool/job.hpp"
#include "fetchpool/report.hpp"

namespace fetchpool {

// The single writer of stdout: formats results, keeps the counts and writes the summary.
// Output is buffered, and flushed whenever no result is waiting, so a pipe sees lines promptly.
// Thread-compatible: owned and used by one thread (the printer).
class Printer {
 public:
  Printer(int fd, bool color);

  // Prints every result until `results` is closed and drained. If writing fails (the reader went
  // away, say) it requests `stop` and goes on draining without writing, so no worker blocks.
  // Returns false if writing failed.
  bool Drain(BoundedQueue<Result>& results, std::stop_source& stop);

  // Writes the summary line and flushes. Returns false if writing failed.
  bool Finish(std::chrono::steady_clock::duration elapsed);

  const Summary& summary() const { return summary_; }
  bool broken() const { return broken_; }
  int write_errno() const { return write_errno_; }

 private:
  void Add(const Result& result);
  bool Flush();

  int fd_;
  bool color_;
  bool broken_ = false;
  int write_errno_ = 0;
  std::string buffer_;
  Summary summary_;
};

}  // namespace fetchpool
