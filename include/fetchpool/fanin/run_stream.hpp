#pragma once

#include <functional>
#include <set>
#include <stop_token>
#include <string>

#include "fetchpool/core/job.hpp"
#include "fetchpool/fanin/origin_set.hpp"
#include "fetchpool/fanin/run_ledger.hpp"
#include "fetchpool/hosts/host_stats.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// What `fetchpool report` learns while it reads: the runs, the lines of the current run that
// have a result, the hosts of every run's --host-stats records, and the input names the results
// view (Result::input), which must outlive every result.
// Thread-compatible: filled by the reading thread, read by others only after it is joined (the
// names, by the printer, through results handed over a queue after they were added).
struct MergeBook {
  RunLedger ledger;
  OriginSet origins;
  HostStatsBook hosts;
  std::set<std::string> names;
  std::uint64_t results = 0;
  std::uint64_t urls = 0;  // results at a URL's first address (--each-address: one per address)
};

// Reads the JSON Lines of one source (`name` as the user gave it, "-" for stdin), which may
// hold any number of runs one after another (outputs concatenated, or GNU parallel's grouped
// output), into `book`, handing each result on to `emit` (which returns false to stop). Each
// result must belong to the run around it: one of its input files, its shard of the list, one
// result per input line. Returns why reading had to stop: the source cannot be read, a line is
// not one of fetchpool's records, or results contradict each other. A last line without its
// '\n' that does not parse is a run cut short, not an error. Returns promptly once `stop` is
// requested, even while waiting on a pipe.
Status ReadRuns(int fd, const std::string& name, MergeBook& book,
                const std::function<bool(Result)>& emit, const std::stop_token& stop);

}  // namespace fetchpool
