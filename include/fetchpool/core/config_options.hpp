#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fetchpool/core/warn_spec.hpp"
#include "fetchpool/util/status_set.hpp"

namespace fetchpool {

// What a config file section (or the file's top level) sets; anything unset is inherited. Keys
// and meanings are the command-line flags of the same names. A plain value.
struct HostOverrides {
  std::optional<std::vector<std::string>> headers;  // -H lines, ${NAME} already expanded
  std::optional<std::string> user;                  // USER:PASSWORD
  std::optional<StatusSet> accept;
  std::optional<WarnSpec> warn;
  std::optional<int> per_host;
  std::optional<std::chrono::nanoseconds> per_host_interval;
  std::optional<double> connect_timeout_s;
  std::optional<double> timeout_s;
  std::optional<double> stall_timeout_s;
  std::optional<bool> insecure;
  std::optional<std::string> cacert;  // an absolute path, or relative to the working directory
};

// One [hosts."PATTERN"] section.
struct HostSection {
  std::string pattern;  // as ParseHostPattern normalises it: "api.github.com", "*.example.com"
  HostOverrides set;
  int line = 0;  // where the section starts in the file, for messages
};

// --config FILE: the per-host sections (the top level was folded into the other options, under
// the command line's own flags). A plain value.
struct ConfigOptions {
  std::string path;                // "" for none
  std::vector<HostSection> hosts;  // in file order; patterns are unique
};

}  // namespace fetchpool
