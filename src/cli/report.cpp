#include "fetchpool/cli/report.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "fetchpool/cli/report_sinks.hpp"
#include "fetchpool/engine/signals.hpp"
#include "fetchpool/fanin/merge_reading.hpp"
#include "fetchpool/fanin/run_preview.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/output/printer_setup.hpp"
#include "fetchpool/output/run_records.hpp"
#include "fetchpool/util/bounded_queue.hpp"
#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/unique_fd.hpp"
#include "fetchpool/version.hpp"

namespace fetchpool {
namespace {

// Results between the reading threads and the printer: enough for large batches.
constexpr std::size_t kQueued = 4096;

// Parsing is most of a merge's work and files are read independently: as many readers as
// cores (the printer's share is small), at most four.
unsigned ReadingThreads() { return std::clamp(std::thread::hardware_concurrency(), 1u, 4u); }

void Complain(std::string_view what, const std::string& message) {
  fmt::print(stderr, "fetchpool report: {}{}\n", what, RedactUrlsIn(message));
}

// The merged run's own record, for --format jsonl (so its output can be merged again): what
// the first lines of the files say; stdin's runs are known only once read.
RunHeader MergedHeader(const std::vector<RunPreview>& previews) {
  RunHeader merged{.id = NewRunId(), .version = kVersion};
  for (const RunPreview& p : previews) {
    if (!p.first) continue;
    const RunHeader& h = *p.first;
    for (const std::string& f : h.files) {
      if (std::find(merged.files.begin(), merged.files.end(), f) == merged.files.end()) {
        merged.files.push_back(f);
      }
    }
    merged.workers += std::max(0, h.workers);
    if (h.started_ms > 0 && (merged.started_ms == 0 || h.started_ms < merged.started_ms)) {
      merged.started_ms = h.started_ms;
    }
    merged.state = merged.state || h.state;
  }
  return merged;
}

// --host-stats: the runs that did not record theirs are left out, and the user is told.
void AddHostStats(const MergeBook& book, Printer& printer) {
  std::vector<std::string> without;
  for (const LedgerRun& run : book.ledger.runs()) {
    if (!run.hosts) without.push_back(run.where);
  }
  if (!without.empty()) {
    Complain("", fmt::format("--host-stats: {} of {} runs have no host records ({}{}); run them "
                             "with --host-stats. Their hosts are left out.",
                             without.size(), book.ledger.runs().size(), without.front(),
                             without.size() > 1 ? ", ..." : ""));
  }
  printer.AddHostStats(book.hosts.Rows());
}

// After the reading: whether the runs make whole lists. Returns the exit status when they
// must not be reported (2), else -1.
int RefuseIncomplete(const LedgerFindings& v, bool allow_partial) {
  for (const std::string& c : v.contradictions) Complain("", c);
  if (!v.contradictions.empty()) return 2;
  if (v.missing.empty() || allow_partial) return -1;
  for (const std::string& m : v.missing) Complain("", m);
  Complain("", "nothing written (--allow-partial reports an incomplete set anyway)");
  return 2;
}

int Conclude(const Summary& summary, const Status& write_error, const Status& report_error,
             bool partial, bool over_budget) {
  if (!write_error.ok() && write_error.errno_code() != EPIPE) Complain("", write_error.message());
  if (!report_error.ok()) {
    Complain("", report_error.message());
    return 2;
  }
  return !write_error.ok() || partial || over_budget || summary.failed > 0 ? 1 : 0;
}

}  // namespace

int RunReport(const ReportOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  Status usable = CheckInputsReadable(o.files);
  if (usable.ok()) usable = CheckReportPaths(o.output, o.files);
  if (!usable.ok()) {
    Complain("", usable.message());
    return 2;
  }
  const std::vector<RunPreview> previews = PreviewRuns(o.files);
  if (const std::optional<RunLedger> glance = LedgerOfPreviews(o.files, previews)) {
    // Files of one run each: a shard missing, doubled or of another list is known already.
    if (const int status = RefuseIncomplete(glance->Check(/*counts=*/false), o.allow_partial);
        status >= 0) {
      return status;
    }
  }
  RunHeader header = MergedHeader(previews);
  std::vector<std::unique_ptr<ResultSink>> reports;
  if (Status s = AddReportSinks(o.output, header.files, header.workers, reports); !s.ok()) {
    Complain("", s.message());
    return 2;
  }
  std::stop_source stop;
  SignalWatcher signals(stop);  // before any other thread
  PrinterSetup setup = MakePrinterSetup(o.output,
                                        {.out_fd = STDOUT_FILENO,
                                         .err_fd = STDERR_FILENO,
                                         .out_is_terminal = ::isatty(STDOUT_FILENO) == 1,
                                         .err_is_terminal = ::isatty(STDERR_FILENO) == 1},
                                        nullptr, start);
  setup.stdout_sink.run = &header;
  setup.track_changes = header.state;
  MergeReading reading;
  BoundedQueue<Result> results(kQueued);
  std::jthread reader([&] {
    const std::stop_token token = stop.get_token();
    reading.Read(
        o.files, ReadingThreads(), [&](Result r) { return results.push(std::move(r), token); },
        token);
    results.close();
  });
  Printer printer(setup, std::move(reports), stop.get_token());
  const std::atomic<std::int64_t> total{-1};
  printer.Drain(results, stop, total);
  reader.join();

  if (const int signal = signals.received(); signal != 0) return 128 + signal;
  if (!reading.error.ok()) {
    Complain("", reading.error.message());
    return 2;
  }
  const MergeBook& book = reading.all;
  const LedgerFindings findings = book.ledger.Check();
  if (const int status = RefuseIncomplete(findings, o.allow_partial); status >= 0) return status;
  const bool partial = !findings.missing.empty();
  if (o.host_stats) AddHostStats(book, printer);
  RunEnd end{.id = header.id,
             .finished = !partial,
             .stopped_by = partial ? "partial" : "",
             .list = book.ledger.List(),
             .urls = book.urls};
  const Status report_error = printer.Finish({.interrupted = partial,
                                              .end = &end,
                                              .elapsed_s = book.ledger.ElapsedS(),
                                              .show_changes = book.ledger.AnyState(),
                                              .show_urls = book.ledger.AnyEachAddress(),
                                              .missing = partial ? &findings.missing : nullptr});
  for (const std::string& m : findings.missing) Complain("partial: ", m);
  const std::vector<std::string> breaches = book.ledger.BudgetBreaches();
  for (const std::string& b : breaches) Complain("", b);
  return Conclude(printer.summary(), printer.write_error(), report_error, partial,
                  !breaches.empty());
}

}  // namespace fetchpool
