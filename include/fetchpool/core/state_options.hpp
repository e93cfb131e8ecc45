#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace fetchpool {

// --state and what it enables. A plain value.
struct StateOptions {
  std::string path;                       // --state FILE; empty: no state at all
  std::chrono::seconds max_cache_age{0};  // --max-cache-age; 0: nothing is answered from cache
  bool resume = false;                    // --resume: continue the last run if it did not finish
  std::vector<std::string> arguments;     // the command line as given, recorded per run
};

}  // namespace fetchpool
