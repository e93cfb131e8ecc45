#include "fetchpool/output/text_sink.hpp"

#include <fmt/format.h>

#include "fetchpool/output/host_stats_format.hpp"

namespace fetchpool {

void TextSink::AddHostStats(const std::vector<HostStatsRow>& rows) {
  AppendHostStatsText(rows, buffers_.out);
}

Status TextSink::Finish(const RunTotals& totals) {
  if (stats_) buffers_.out += FormatStats(totals.stats, *stats_);
  if (style_.verbose && totals.latency.count() > 0) {
    buffers_.out += FormatLatencyLine(totals.latency);
  }
  buffers_.out += FormatSummary(totals.summary);
  return Status::Ok();
}

std::string FormatLatencyLine(const LatencyStats& l) {
  return fmt::format("Latency: p50 {:.0f}ms, p90 {:.0f}ms, p99 {:.0f}ms, max {:.0f}ms\n",
                     l.PercentileMs(0.50), l.PercentileMs(0.90), l.PercentileMs(0.99), l.MaxMs());
}

}  // namespace fetchpool
