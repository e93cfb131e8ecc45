#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/config/env_refs.hpp"
#include "fetchpool/core/config_options.hpp"
#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// What a --config file says, checked and with ${NAME} references expanded. A plain value.
struct ConfigFile {
  HostOverrides defaults;            // the top level: defaults under the command line's flags
  std::optional<std::string> proxy;  // top level only, as --proxy
  std::vector<HostSection> hosts;    // [hosts."PATTERN"] sections, in file order
  SecretSet secrets;                 // every header value and credential it gave
};

// The keys a [hosts."PATTERN"] section may set; the top level also takes "proxy" and "hosts".
inline constexpr std::string_view kHostKeys[] = {
    "headers",         "user",          "accept",   "warn",  "per-host", "per-host-rate", "timeout",
    "connect-timeout", "stall-timeout", "insecure", "cacert"};

// Reads and checks a config file. Any problem (unreadable, over kMaxConfigBytes, nested too
// deep, invalid UTF-8, a TOML syntax error, an unknown key, a wrong type or range, a bad host
// pattern, an unset ${NAME}) is one line, "PATH:LINE: what was expected", and nothing else has
// been touched. A relative cacert is relative to the file's directory.
Status LoadConfigFile(const std::string& path, const GetEnv& getenv, ConfigFile* out);
// The same for text already read (`path` names it in messages and anchors relative paths).
Status ParseConfigText(std::string_view text, const std::string& path, const GetEnv& getenv,
                       ConfigFile* out);

}  // namespace fetchpool
