#pragma once

#include <CLI/CLI.hpp>

#include "fetchpool/core/output_options.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// How results are shown, for a run and for `fetchpool report` alike: --format, --json, the
// report files, --annotate, --stats, -q/-s/-v, --progress; --ordered and --rewrite only when
// `fetching` (a run, not a report).
// `json` is the --json alias, resolved by ResolveJsonAlias once parsed.
void AddOutputOptions(CLI::App& app, OutputOptions& o, bool& json, bool fetching);

// --json is an alias: ok when it agrees with --format, else the complaint.
Status ResolveJsonAlias(OutputOptions& o, bool json);

// Annotations go among the result lines, so only the text format has room for them.
Status CheckAnnotate(const OutputOptions& o);

}  // namespace fetchpool
