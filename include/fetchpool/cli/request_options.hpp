#pragma once

#include <CLI/CLI.hpp>
#include <optional>

#include "fetchpool/core/config_options.hpp"
#include "fetchpool/core/fetch_options.hpp"
#include "fetchpool/util/status_set.hpp"

namespace fetchpool {

// The "Request" group: headers, credentials and where they may go (--location-trusted,
// --netrc), --config, methods, --accept (into `accept`, the verdict's), TLS, proxy, HTTP
// version. `output_dir` is -o, which --head excludes.
void AddRequestOptions(CLI::App& app, FetchOptions& f, std::optional<StatusSet>& accept,
                       CLI::Option* output_dir, ConfigOptions& config);

}  // namespace fetchpool
