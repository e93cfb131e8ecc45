#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fetchpool/core/output_options.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/core/run_record.hpp"
#include "fetchpool/hosts/host_stats.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/output/run_stats.hpp"
#include "fetchpool/output/stats_report.hpp"
#include "fetchpool/util/latency_stats.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// What every sink is told at the end of the run.
struct RunTotals {
  const Summary& summary;
  const LatencyStats& latency;
  const RunStats& stats = RunStats::Empty();         // histogram, statuses, kinds, slowest
  const std::vector<HostStatsRow>* hosts = nullptr;  // --host-stats: every host, worst first
  // The run was cut short (a signal, --max-time, --max-failures, a closed stdout): the results
  // were only those that finished, and reports say so.
  bool interrupted = false;
  // For JSON Lines' end record (run_records.hpp): how the run ended and which list it read;
  // null when there is none to write.
  const RunEnd* end = nullptr;
  // `fetchpool report --allow-partial`: what the merged runs lack (interrupted is set too);
  // null otherwise.
  const std::vector<std::string>* missing = nullptr;
};

// One destination for results: a format on stdout, or a report file. The printer counts, orders
// and hands each result to every sink; a sink formats or stores, and never decides what is ok.
// Thread-compatible: owned and called by the printer thread.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void Add(const Result& result) = 0;
  // After the last result: the closing lines, or the report put in place. A report that cannot
  // be written says why.
  virtual Status Finish(const RunTotals& totals) = 0;
  // --host-stats, once, after the last result and before Finish: a stdout sink shows them in
  // its format; reports read them from RunTotals::hosts instead.
  virtual void AddHostStats(const std::vector<HostStatsRow>& /*rows*/) {}
  // A sink with time-based work (the state's batch commits) asks for ticks: the printer then
  // calls Tick at least every 100 ms while the run lasts, results or not.
  virtual bool wants_ticks() const { return false; }
  virtual void Tick() {}
};

// Where stdout sinks put their bytes; the printer writes them out, so it alone decides when and
// whether (a broken pipe, a stop) anything reaches the descriptors.
struct SinkBuffers {
  std::string out;  // for stdout
  std::string err;  // for stderr (CSV keeps stdout machine-only)
};

struct StdoutSinkOptions {
  OutputFormat format = OutputFormat::kText;
  bool color = false;               // text only
  bool verbose = false;             // text only: effective URL, IP and the latency line
  bool github_annotations = false;  // text only: --annotate github (annotation_sink.hpp)
  // --stats (or -v): the block before the summary, drawn in this style. On stdout for text; on
  // stderr for JSON Lines and CSV, whose stdout holds only records.
  std::optional<TermStyle> stats;
  // JSON Lines: the run record to begin with (run_records.hpp); null writes none.
  const RunHeader* run = nullptr;
};

// The sink for --format, writing into `buffers` (which must outlive it).
std::unique_ptr<ResultSink> MakeStdoutSink(const StdoutSinkOptions& options, SinkBuffers& buffers);

}  // namespace fetchpool
