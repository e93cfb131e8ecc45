#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <stop_token>
#include <string>

#include "fetchpool/bounded_queue.hpp"
#include "fetchpool/formatter.hpp"
#include "fetchpool/job.hpp"
#include "fetchpool/junit_report.hpp"
#include "fetchpool/latency_stats.hpp"
#include "fetchpool/options.hpp"
#include "fetchpool/progress_line.hpp"
#include "fetchpool/reorder_window.hpp"
#include "fetchpool/report.hpp"

namespace fetchpool {

struct PrinterOptions {
  OutputFormat format = OutputFormat::kText;
  bool color = false;
  Verbosity verbosity = Verbosity::kNormal;
  bool progress = false;  // draw the live line on stderr
};

// The single writer of stdout: orders (optionally), counts, formats, writes the summary, feeds
// the JUnit report and the progress line. Output is buffered and flushed whenever no result is
// waiting, so a pipe sees lines promptly.
// Thread-compatible: owned and used by one thread (the printer).
class Printer {
 public:
  // `window` non-null means --ordered: print in input order, releasing slots as lines go out.
  // `junit` may be null.
  Printer(int out_fd, int err_fd, const PrinterOptions& options,
          std::chrono::steady_clock::time_point start, ReorderWindow* window,
          std::unique_ptr<JUnitReport> junit);

  // Prints every result until `results` is closed and drained. If writing fails (the reader went
  // away, say) it requests `stop` and goes on draining without writing, so no worker blocks.
  // `input_total` is the number of URLs in the input once known, -1 before.
  void Drain(BoundedQueue<Result>& results, std::stop_source& stop,
             const std::atomic<std::int64_t>& input_total);

  // Writes the summary, flushes, completes the JUnit report. Returns an empty string, or the
  // JUnit report's error.
  std::string Finish();

  const Summary& summary() const { return summary_; }
  bool broken() const { return broken_; }
  int write_errno() const { return write_errno_; }

 private:
  void Accept(Result result);
  void Emit(const Result& result);
  void Flush();
  void WriteAll(int fd, const std::string& text);

  int out_fd_;
  int err_fd_;
  PrinterOptions options_;
  std::chrono::steady_clock::time_point start_;
  ReorderWindow* window_;
  std::unique_ptr<JUnitReport> junit_;
  std::unique_ptr<Formatter> formatter_;
  ProgressLine progress_;
  LatencyStats latency_;
  Summary summary_;
  std::map<std::uint64_t, Result> waiting_;  // --ordered: finished, but earlier ones are not
  std::uint64_t next_seq_ = 0;
  std::string buffer_;
  bool broken_ = false;
  int write_errno_ = 0;
};

}  // namespace fetchpool
