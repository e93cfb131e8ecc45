#pragma once

#include <CLI/CLI.hpp>

#include "fetchpool/core/input_options.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// The "Inputs" options: --input, --extract, --sitemap, --dedup, --baseline, --baseline-skip.
// `extract` receives --extract, which ResolveExtractAlias turns into --input extract after
// parsing.
void AddInputOptions(CLI::App& app, InputOptions& o, bool& extract);
Status ResolveExtractAlias(InputOptions& o, bool extract);

}  // namespace fetchpool
