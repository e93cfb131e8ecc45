#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fetchpool/core/run_record.hpp"

namespace fetchpool {

// JSON Lines' run records, written by JsonLinesSink and read back by JsonLineReader:
//   {"type":"run","run":ID,"fetchpool":VERSION,"shard":K,"shards":N,"files":[...],"workers":W,
//    "started":"2026-12-06T10:12:36.123Z","state":false}
// first, and
//   {"type":"end","run":ID,"finished":true,"stopped_by":null,"list":"sha256:...",
//    "list_urls":2000,"urls":498,"results":498}
// just before the summary.
void AppendRunRecord(const RunHeader& header, std::string& out);
void AppendEndRecord(const RunEnd& end, std::string& out);

// A run id: 16 random hex digits.
std::string NewRunId();

// Unix ms as "2026-12-06T10:12:36.123Z", and back (nullopt for anything else).
std::string FormatUtcMs(std::int64_t unix_ms);
std::optional<std::int64_t> ParseUtcMs(std::string_view text);

}  // namespace fetchpool
