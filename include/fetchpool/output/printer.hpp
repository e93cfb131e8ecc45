#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

#include "fetchpool/core/output_options.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/hosts/host_notes.hpp"
#include "fetchpool/hosts/host_stats.hpp"
#include "fetchpool/output/duplicate_book.hpp"
#include "fetchpool/output/output_fd.hpp"
#include "fetchpool/output/progress_line.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/output/result_redaction.hpp"
#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/output/run_stats.hpp"
#include "fetchpool/output/stats_report.hpp"
#include "fetchpool/util/bounded_queue.hpp"
#include "fetchpool/util/latency_stats.hpp"
#include "fetchpool/util/reorder_window.hpp"
#include "fetchpool/util/status.hpp"
#include "fetchpool/verdict/run_budget.hpp"

namespace fetchpool {

// What the printer is told, with the command line's choices already resolved (colour, a
// terminal for the progress line).
struct PrinterSetup {
  int out_fd = 1;
  int err_fd = 2;
  StdoutSinkOptions stdout_sink;
  Verbosity verbosity = Verbosity::kNormal;
  bool progress = false;  // draw the live line on stderr
  std::chrono::steady_clock::time_point start;
  ReorderWindow* window = nullptr;     // --ordered: print in input order, releasing slots
  TermStyle progress_style;            // the progress line's bar
  HostNotes* notes = nullptr;          // -v: notes about hosts, written to stderr as they come
  bool track_changes = false;          // --state: the summary counts new failures and recoveries
  const SecretSet* secrets = nullptr;  // scrubbed from every result's message (RedactResult)
  bool dedup = false;                  // --dedup: duplicates come with no verdict; copy the first's
  // --dedup without --ordered: the reader takes a slot per duplicate; one is given back as each
  // is printed (or dropped), so duplicates waiting for their first stay bounded.
  ReorderWindow* duplicates_window = nullptr;
  bool each_address = false;       // --each-address: the summary counts URLs and results apart
  std::optional<long> max_p95_ms;  // --max-p95: Summary::over_budget
};

// How the run ended, for Printer::Finish.
struct RunEnding {
  bool interrupted = false;     // RunTotals::interrupted
  const RunEnd* end = nullptr;  // RunTotals::end
  // The summary's elapsed time; default: since PrinterSetup::start. `fetchpool report` gives
  // the runs' own.
  std::optional<double> elapsed_s;
  // The summary counts new failures and recoveries; default: PrinterSetup::track_changes.
  std::optional<bool> show_changes;
  // The summary counts URLs and results apart; default: PrinterSetup::each_address.
  std::optional<bool> show_urls;
  const std::vector<std::string>* missing = nullptr;  // RunTotals::missing
};

// The single writer of stdout and the one result fan-out: it redacts (RedactResult), orders
// (optionally), counts, and hands each result to the stdout sink (filtered by -q/-s) and to
// every report. Output is
// buffered and flushed whenever no result is waiting, so a pipe sees lines promptly.
// Thread-compatible: owned and used by one thread (the printer).
class Printer {
 public:
  // `stop` is the run's: once requested, a stuck stdout is given up on shortly.
  Printer(const PrinterSetup& setup, std::vector<std::unique_ptr<ResultSink>> reports,
          const std::stop_token& stop);

  // Prints every result until `results` is closed and drained. If writing fails (the reader went
  // away, say) it requests `stop` and goes on draining without writing, so no worker blocks.
  // `input_total` is the number of URLs in the input once known, -1 before.
  void Drain(BoundedQueue<Result>& results, std::stop_source& stop,
             const std::atomic<std::int64_t>& input_total);

  // --host-stats, after the last result and before Finish: the table (text), the "host" records
  // (JSON Lines) or the table on stderr (CSV), nothing with -s; and the rows for the reports
  // (RunTotals::hosts).
  void AddHostStats(std::vector<HostStatsRow> rows);

  // Writes the summary, flushes, and completes every report. Returns the first report's
  // failure, or ok.
  Status Finish(const RunEnding& ending);

  const Summary& summary() const { return summary_; }
  // Why stdout could not be written (ok while it can).
  const Status& write_error() const { return write_error_; }

 private:
  void Accept(Result result);
  // --ordered: the result printed after `last` (its URL's next address, or the next URL), and
  // whether `last` was its URL's last.
  static std::pair<std::uint64_t, std::uint16_t> After(const Result& last, bool& url_done);
  void TakeNotes();
  // Counts and fans out a result in its turn; with --dedup, completes duplicates first.
  void Emit(Result& result);
  void Record(const Result& result);
  void Flush();
  void Tick();
  void Write(OutputFd& fd, std::string& text);
  bool broken() const { return !write_error_.ok(); }

  PrinterSetup setup_;
  OutputFd out_;
  OutputFd err_;
  SinkBuffers buffers_;
  std::unique_ptr<ResultSink> stdout_sink_;  // null with -s
  std::vector<std::unique_ptr<ResultSink>> reports_;
  ProgressLine progress_;
  LatencyStats latency_;
  RunBudget budget_;  // --max-p95, judged by the verdict module
  RunStats stats_;
  Summary summary_;
  std::optional<std::vector<HostStatsRow>> hosts_;  // --host-stats, once the run is over
  // --ordered: finished, but earlier ones are not; by input position, then address.
  std::map<std::pair<std::uint64_t, std::uint16_t>, Result> waiting_;
  std::pair<std::uint64_t, std::uint16_t> next_{0, 0};
  std::optional<DuplicateBook> duplicates_;  // --dedup
  std::vector<Result> completed_;            // duplicates their first just completed
  Status write_error_;
  bool ticks_ = false;  // a report wants Tick()
};

}  // namespace fetchpool
