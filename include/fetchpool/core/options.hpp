#pragma once

#include <optional>
#include <string>
#include <vector>

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

// `fetchpool report [FILE...]`: the JSON Lines of runs or shards to merge, and what to make of
// them. A plain value.
struct ReportOptions {
  std::vector<std::string> files;  // in order; empty or "-" means stdin
  OutputOptions output;            // as a run's: stdout's format, --stats, the report files
  bool host_stats = false;         // the shards' --host-stats records, merged
  bool allow_partial = false;      // report even when shards are missing or unfinished
};

// The outcome of parsing argv: options to run with, or to report with, or an exit code to
// return at once (0 after --help/--version, 2 after a usage error; the message is already
// printed).
struct ParsedCommandLine {
  std::optional<Options> options;
  int exit_code = 0;
  std::optional<ReportOptions> report;
};

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv);

}  // namespace fetchpool
