#pragma once

#include <memory>
#include <string>

#include "fetchpool/job.hpp"
#include "fetchpool/latency_stats.hpp"
#include "fetchpool/options.hpp"
#include "fetchpool/report.hpp"

namespace fetchpool {

// Turns results and the closing summary into bytes for stdout in one format.
// Thread-compatible: owned by the printer.
class Formatter {
 public:
  virtual ~Formatter() = default;
  // Written once before the first result (the CSV header row, say).
  virtual void Begin(std::string& /*out*/) {}
  virtual void Add(std::string& out, const Result& result) = 0;
  // Written once at the end. Returns false when this format has no summary on stdout (CSV: the
  // printer then writes the text summary to stderr instead).
  virtual bool End(std::string& out, const Summary& summary, const LatencyStats& latency) = 0;
};

struct FormatterOptions {
  bool color = false;    // text only
  bool verbose = false;  // text only: effective URL, IP and the latency line
};

std::unique_ptr<Formatter> MakeFormatter(OutputFormat format, const FormatterOptions& options);

// "Latency: p50 12ms, p90 40ms, p99 81ms, max 120ms\n"
std::string FormatLatencyLine(const LatencyStats& latency);

// A stable machine name for each error kind ("http_status", "timeout", ...); "" for kNone.
const char* ErrorKindName(ErrorKind kind);

}  // namespace fetchpool
