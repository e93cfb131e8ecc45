#pragma once

#include <string>
#include <string_view>

#include "fetchpool/config/config_document.hpp"
#include "fetchpool/config/env_refs.hpp"
#include "fetchpool/core/config_options.hpp"
#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// Turns a config file's values into settings: each key's type, range and syntax, ${NAME}
// expansion, and the messages "PATH:LINE: [hosts."NAME"] KEY: expected ..., got ...".
// Thread-compatible: one per file being read.
class ConfigReader {
 public:
  ConfigReader(std::string path, std::string dir, GetEnv getenv, SecretSet& secrets)
      : path_(std::move(path)),
        dir_(std::move(dir)),
        getenv_(std::move(getenv)),
        secrets_(secrets) {}

  // Reads `key` (one of kHostKeys) into `out`.
  Status HostKey(const ConfigValue& value, std::string_view where, std::string_view key,
                 HostOverrides& out) const;
  // A string value with ${NAME} expanded.
  Status String(const ConfigValue& value, std::string_view where, std::string_view key,
                std::string& out) const;
  // "PATH:LINE: WHERE KEY: what".
  Status Fail(int line, std::string_view where, std::string_view key, std::string_view what) const;
  SecretSet& secrets() const { return secrets_; }

 private:
  Status Expected(const ConfigValue& value, std::string_view where, std::string_view key,
                  std::string_view expected) const;
  Status Headers(const ConfigValue& value, std::string_view where, HostOverrides& out) const;
  Status Seconds(const ConfigValue& value, std::string_view where, std::string_view key,
                 std::optional<double>& out) const;
  Status Text(const ConfigValue& value, std::string_view where, std::string_view key,
              std::string& out) const;  // a string, or an integer as its digits
  Status CaFile(const ConfigValue& value, std::string_view where, HostOverrides& out) const;

  std::string path_;
  std::string dir_;  // relative cacert paths start here
  GetEnv getenv_;
  SecretSet& secrets_;
};

}  // namespace fetchpool
