#pragma once

#include <vector>

#include "fetchpool/host_stats.hpp"
#include "fetchpool/output_options.hpp"
#include "fetchpool/result_sink.hpp"

namespace fetchpool {

// --host-stats in the run's format: text, an aligned table on stdout; JSON Lines, one
// {"type":"host",...} record per host on stdout; CSV, a CSV table on stderr (stdout stays the
// results' alone). Rows are printed in the order given (worst first).
void AppendHostStats(OutputFormat format, const std::vector<HostStatsRow>& rows,
                     SinkBuffers& buffers);

}  // namespace fetchpool
