#pragma once

#include "fetchpool/output/result_sink.hpp"

namespace fetchpool {

// The text a person reads: one line per URL (AppendTextLine); at the end the --host-stats
// table, the --stats block, with -v the latency line, then the summary.
// Thread-compatible: owned by the printer.
class TextSink final : public ResultSink {
 public:
  TextSink(const TextStyle& style, std::optional<TermStyle> stats, SinkBuffers& buffers)
      : style_(style), stats_(stats), buffers_(buffers) {}
  void Add(const Result& result) override { AppendTextLine(buffers_.out, result, style_); }
  void AddHostStats(const std::vector<HostStatsRow>& rows) override;
  Status Finish(const RunTotals& totals) override;

 private:
  TextStyle style_;
  std::optional<TermStyle> stats_;
  SinkBuffers& buffers_;
};

// "Latency: p50 12ms, p90 40ms, p99 81ms, max 120ms\n"
std::string FormatLatencyLine(const LatencyStats& latency);

}  // namespace fetchpool
