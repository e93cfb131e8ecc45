#pragma once

#include "fetchpool/core/options.hpp"
#include "fetchpool/engine/pipeline.hpp"

namespace fetchpool {

// Runs the whole pipeline (reader → jobs queue → workers → results queue → printer) and returns
// the process exit status: 0 all ok, 1 some failed, 2 setup error, 128+N after signal N.
int Run(const Options& options);

// The closing notes on stderr and the exit status of a run that ended with `outcome` (after
// signal `signal`, 0 for none): 0 all ok, 1 some failed or the run was cut short, 2 a setup or
// I/O problem or an unexpected exception (then its message is the only note), 128+N after
// signal N.
int Conclude(const Options& options, const PipelineOutcome& outcome, int signal);

}  // namespace fetchpool
