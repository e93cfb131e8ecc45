#pragma once

#include <string>
#include <vector>

#include "fetchpool/hosts/host_stats.hpp"

namespace fetchpool {

// --host-stats for each stdout format, rows in the order given (worst first): an aligned table
// for text; one {"type":"host",...} record per host for JSON Lines; a CSV table, which the CSV
// sink puts on stderr so that stdout stays the results' alone.
void AppendHostStatsText(const std::vector<HostStatsRow>& rows, std::string& out);
void AppendHostStatsJsonLines(const std::vector<HostStatsRow>& rows, std::string& out);
void AppendHostStatsCsv(const std::vector<HostStatsRow>& rows, std::string& out);

}  // namespace fetchpool
