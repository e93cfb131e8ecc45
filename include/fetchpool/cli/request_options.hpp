#pragma once

#include <CLI/CLI.hpp>

#include "fetchpool/core/config_options.hpp"
#include "fetchpool/core/fetch_options.hpp"

namespace fetchpool {

// The "Request" group: headers, credentials and where they may go (--location-trusted,
// --netrc), --config, methods, TLS, proxy, HTTP version. `output_dir` is -o, which --head
// excludes.
void AddRequestOptions(CLI::App& app, FetchOptions& f, CLI::Option* output_dir,
                       ConfigOptions& config);

}  // namespace fetchpool
