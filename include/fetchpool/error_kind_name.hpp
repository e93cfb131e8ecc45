#pragma once

#include "fetchpool/job.hpp"

namespace fetchpool {

// A stable machine name for each error kind ("http_status", "timeout", ...); "" for kNone.
// JSON, CSV and every report use these.
const char* ErrorKindName(ErrorKind kind);

}  // namespace fetchpool
