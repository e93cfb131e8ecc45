#pragma once

#include <chrono>

#include "fetchpool/core/output_options.hpp"
#include "fetchpool/output/printer.hpp"

namespace fetchpool {

// Where the printer writes, and whether those are terminals (--color auto, the progress line).
struct PrinterTerminal {
  int out_fd = 1;
  int err_fd = 2;
  bool out_is_terminal = false;
  bool err_is_terminal = false;
};

// The printer's setup for the output options: the stdout sink, colour (NO_COLOR), the --stats
// and progress line styles. Shared by a run and `fetchpool report`, so both print alike. Reads
// the environment: call it before any thread that could change it starts.
PrinterSetup MakePrinterSetup(const OutputOptions& options, const PrinterTerminal& terminal,
                              ReorderWindow* window, std::chrono::steady_clock::time_point start);

}  // namespace fetchpool
