#pragma once

#include "fetchpool/core/options.hpp"

namespace fetchpool {

// `fetchpool report [OPTIONS] [FILE...]`, with argv[0] "report": ParsedCommandLine::report, or
// the exit code after --help or a usage error.
ParsedCommandLine ParseReportCommandLine(int argc, const char* const* argv);

}  // namespace fetchpool
