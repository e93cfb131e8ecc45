#pragma once

#include "fetchpool/result_sink.hpp"

namespace fetchpool {

// JSON Lines on stdout: {"type":"result",...} per URL with ResultColumns, then one
// {"type":"summary",...}. Every line parses whatever bytes the input held: invalid UTF-8
// becomes U+FFFD.
// Thread-compatible: owned by the printer.
class JsonLinesSink final : public ResultSink {
 public:
  explicit JsonLinesSink(SinkBuffers& buffers) : buffers_(buffers) {}
  void Add(const Result& result) override;
  Status Finish(const RunTotals& totals) override;

 private:
  SinkBuffers& buffers_;
};

}  // namespace fetchpool
