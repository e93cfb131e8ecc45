#pragma once

#include "fetchpool/core/options.hpp"

namespace fetchpool {

// `fetchpool report`: reads the runs' JSON Lines (reading thread) into the printer and the
// report sinks a run uses (this thread), checks that they make whole lists, and returns the
// exit status a single run over those lists would have: 0 all ok, 1 some failed (or
// --allow-partial reported an incomplete set), 2 unreadable input or runs that are missing,
// unfinished, doubled, of another list or contradict each other (then no report is written),
// 128+N after signal N.
int RunReport(const ReportOptions& options);

}  // namespace fetchpool
