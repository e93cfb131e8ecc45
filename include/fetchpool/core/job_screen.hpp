#pragma once

#include <optional>

#include "fetchpool/core/result.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// Looks at each job before it is queued (--state): may annotate it (its history) and may answer
// it without a fetch (a cached or already-done URL), in which case the job never reaches the
// dispatcher and `ready` goes straight to the printer (it may take the job's strings: the job
// is dropped). An error stops reading (exit 2).
// Thread-compatible: called by the reader thread only.
class JobScreen {
 public:
  virtual ~JobScreen() = default;
  virtual Status Screen(Job& job, std::optional<Result>& ready) = 0;
};

}  // namespace fetchpool
