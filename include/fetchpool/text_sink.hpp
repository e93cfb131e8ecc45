#pragma once

#include "fetchpool/result_sink.hpp"

namespace fetchpool {

// The text a person reads: one line per URL (AppendTextLine), with -v the latency line, then
// the summary.
// Thread-compatible: owned by the printer.
class TextSink final : public ResultSink {
 public:
  TextSink(const TextStyle& style, SinkBuffers& buffers) : style_(style), buffers_(buffers) {}
  void Add(const Result& result) override { AppendTextLine(buffers_.out, result, style_); }
  Status Finish(const RunTotals& totals) override;

 private:
  TextStyle style_;
  SinkBuffers& buffers_;
};

// "Latency: p50 12ms, p90 40ms, p99 81ms, max 120ms\n"
std::string FormatLatencyLine(const LatencyStats& latency);

}  // namespace fetchpool
