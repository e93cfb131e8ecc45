#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fetchpool/util/shard.hpp"

namespace fetchpool {

// Where the URLs come from and which of them this process takes. A plain value.
struct InputOptions {
  std::vector<std::string> files;  // in order; empty or "-" means stdin
  std::optional<Shard> shard;      // --shard K/N; nullopt: every URL
};

}  // namespace fetchpool
