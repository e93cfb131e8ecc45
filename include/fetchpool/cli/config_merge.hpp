#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/config/config_file.hpp"
#include "fetchpool/core/options.hpp"
#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// -H @FILE: each such entry of `headers` becomes the file's lines, one header per line as curl
// reads them (a trailing \r dropped, blank lines skipped), each checked as -H checks its value
// and noted in `secrets`. "FILE:LINE: ..." when a line is no header (the line is not echoed).
Status ReadHeaderFiles(std::vector<std::string>& headers, SecretSet& secrets);

// Lays the config file's top level under the command line: each setting the command line did
// not give (`given("--per-host")` says whether it did) comes from the file; -H lines from both
// are sent, the command line's replacing the file's of the same name. The sections go to
// options.config.hosts and the file's secrets to options.secrets.
void ApplyConfig(ConfigFile file, const std::function<bool(std::string_view)>& given,
                 Options& options);

// After parsing: -H @FILE, then --config (its top level under the flags `given` names), then
// the checks that need both (the config's proxy, --netrc-file). Secrets found go to
// options.secrets. Any problem is one line for stderr, before anything is fetched.
Status CompleteOptions(const std::function<bool(std::string_view)>& given, Options& options);

}  // namespace fetchpool
