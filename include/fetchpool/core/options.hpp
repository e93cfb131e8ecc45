#pragma once

#include <optional>

#include "fetchpool/core/config_options.hpp"
#include "fetchpool/core/dispatch_options.hpp"
#include "fetchpool/core/fetch_options.hpp"
#include "fetchpool/core/input_options.hpp"
#include "fetchpool/core/output_options.hpp"
#include "fetchpool/core/save_options.hpp"
#include "fetchpool/core/state_options.hpp"
#include "fetchpool/core/verdict_options.hpp"
#include "fetchpool/util/redact.hpp"

namespace fetchpool {

// Everything the command line decides: one tree of each module's own options, filled in
// directly by ParseCommandLine and read by everyone, never copied field by field.
struct Options {
  InputOptions input;
  FetchOptions fetch;
  SaveOptions save;
  DispatchOptions dispatch;
  PoolOptions pool;
  OutputOptions output;
  StateOptions state;
  VerdictOptions verdict;
  ConfigOptions config;
  double max_time_s = 0;  // whole run; 0: no deadline
  // Not a flag: every secret value the command line and the config gave (-u, -H, --proxy's
  // password, the config's headers and credentials), scrubbed from anything written.
  SecretSet secrets;
};

// The outcome of parsing argv: either options to run with, or an exit code to return at once
// (0 after --help/--version, 2 after a usage error; the message is already printed).
struct ParsedCommandLine {
  std::optional<Options> options;
  int exit_code = 0;
};

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv);

}  // namespace fetchpool
