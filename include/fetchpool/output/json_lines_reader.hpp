#pragma once

#include <string>

#include "fetchpool/core/run_record.hpp"
#include "fetchpool/hosts/host_stats.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/output/result_columns.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// One line of fetchpool's JSON Lines, read back: what JsonLinesSink, run_records.hpp and
// host_stats_format.hpp wrote. Only the member of `type` means anything.
struct JsonLineRecord {
  enum class Type { kResult, kRun, kEnd, kSummary, kHost, kOther };
  Type type = Type::kOther;  // kOther: a record type this version does not know (skipped)
  ReadResult result;
  RunHeader run;
  RunEnd end;
  // total, ok, failed, warned, retries, elapsed_s; urls (--each-address); the --max-p95 outcome
  Summary summary;
  HostStatsRow host;
};

// Parses fetchpool's JSON Lines back, one line at a time, streaming (RapidJSON's SAX reader:
// no document is built). Keys may come in any order; unknown keys and record types are
// skipped, so newer files still read.
// Thread-compatible: one per reading thread.
class JsonLineReader {
 public:
  // Reads `line` (without its '\n'), which it parses in place and so changes. `out` is reset
  // to what the line holds. Ok, or why the line is not one of fetchpool's records.
  Status Read(std::string& line, JsonLineRecord& out);
};

}  // namespace fetchpool
