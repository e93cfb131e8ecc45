#pragma once

#include "fetchpool/output/result_sink.hpp"

namespace fetchpool {

// JSON Lines on stdout: {"type":"result",...} per URL with ResultColumns, then one
// {"type":"summary",...}. Every line parses whatever bytes the input held: invalid UTF-8
// becomes U+FFFD. --host-stats adds {"type":"host",...} records; the --stats block goes to
// stderr.
// Thread-compatible: owned by the printer.
class JsonLinesSink final : public ResultSink {
 public:
  explicit JsonLinesSink(SinkBuffers& buffers, std::optional<TermStyle> stats = std::nullopt)
      : buffers_(buffers), stats_(stats) {}
  void Add(const Result& result) override;
  void AddHostStats(const std::vector<HostStatsRow>& rows) override;
  Status Finish(const RunTotals& totals) override;

 private:
  SinkBuffers& buffers_;
  std::optional<TermStyle> stats_;
};

}  // namespace fetchpool
