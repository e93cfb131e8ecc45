#pragma once

#include "fetchpool/output/result_sink.hpp"

namespace fetchpool {

// JSON Lines on stdout: a {"type":"run",...} record (when given a header), {"type":"result",...}
// per URL with ResultColumns, then {"type":"end",...} (when the totals carry one) and one
// {"type":"summary",...}, always the last line. Every line parses whatever bytes the input held:
// invalid UTF-8 becomes U+FFFD. --host-stats adds {"type":"host",...} records; the --stats block
// goes to stderr. JsonLineReader reads it all back.
// Thread-compatible: owned by the printer.
class JsonLinesSink final : public ResultSink {
 public:
  explicit JsonLinesSink(SinkBuffers& buffers, std::optional<TermStyle> stats = std::nullopt,
                         const RunHeader* run = nullptr);
  void Add(const Result& result) override;
  void AddHostStats(const std::vector<HostStatsRow>& rows) override;
  Status Finish(const RunTotals& totals) override;

 private:
  SinkBuffers& buffers_;
  std::optional<TermStyle> stats_;
  std::uint64_t results_ = 0;  // records written, for the end record
};

}  // namespace fetchpool
