#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fetchpool {

// Which list a run read: the same on every shard of one list, whatever K (ListDigest). A plain
// value.
struct ListIdentity {
  std::string digest;      // "sha256:" and 64 hex digits; empty when the input was not read whole
  std::uint64_t urls = 0;  // URL lines in the whole list (every shard's)
};

// What `fetchpool report` needs to know of a run before its results: JSON Lines' first record,
// {"type":"run",...}. A plain value.
struct RunHeader {
  std::string id;  // random, 16 hex digits: pairs this record with the run's "end"
  std::string version;
  std::uint64_t shard = 1;  // --shard K/N; 1/1 without it
  std::uint64_t shards = 1;
  std::vector<std::string> files;  // as on the command line; "-" for stdin
  int workers = 0;
  std::int64_t started_ms = 0;  // unix ms
  bool state = false;           // --state: results carry what changed since the last run
};

// How a run ended, for the merge: JSON Lines' {"type":"end",...}, just before the summary.
struct RunEnd {
  std::string id;  // the header's
  // Every URL of the shard has its result: nothing stopped the run, nothing was aborted, the
  // input was read to its end.
  bool finished = false;
  std::string stopped_by;     // when not finished: "signal", "max-time", "max-failures", "input"...
  ListIdentity list;          // of the whole list, every shard's lines
  std::uint64_t urls = 0;     // this shard's URLs
  std::uint64_t results = 0;  // result records written (fewer than urls with -q)
};

}  // namespace fetchpool
