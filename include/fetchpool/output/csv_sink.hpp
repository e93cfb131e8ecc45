#pragma once

#include <string>
#include <string_view>

#include "fetchpool/output/result_sink.hpp"

namespace fetchpool {

// RFC 4180 CSV on stdout: a header row, then one row per URL with ResultColumns. The
// --host-stats table, the --stats block and the summary go to stderr, so stdout stays pure data.
// Thread-compatible: owned by the printer.
class CsvSink final : public ResultSink {
 public:
  explicit CsvSink(SinkBuffers& buffers, std::optional<TermStyle> stats = std::nullopt);
  void Add(const Result& result) override;
  void AddHostStats(const std::vector<HostStatsRow>& rows) override;
  Status Finish(const RunTotals& totals) override;

 private:
  SinkBuffers& buffers_;
  std::optional<TermStyle> stats_;
};

// A field quoted when it holds a comma, quote, CR or LF (or starts or ends with a space), with
// quotes inside doubled.
void AppendCsvField(std::string& out, std::string_view field);

}  // namespace fetchpool
