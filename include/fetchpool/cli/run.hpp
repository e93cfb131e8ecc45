#pragma once

#include "fetchpool/core/options.hpp"

namespace fetchpool {

// Runs the whole pipeline (reader → jobs queue → workers → results queue → printer) and returns
// the process exit status: 0 all ok, 1 some failed, 2 setup error, 128+N after signal N.
int Run(const Options& options);

}  // namespace fetchpool
