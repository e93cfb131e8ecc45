#pragma once

#include "fetchpool/core/result.hpp"
#include "fetchpool/util/redact.hpp"

namespace fetchpool {

// The one gate before anything writes a result (stdout, every report, --state): its URLs with
// their credentials redacted (RedactUrl; already so when the reader and the fetcher made them,
// so this costs a scan) and the run's secrets scrubbed from its error message.
void RedactResult(Result& result, const SecretSet& secrets);

}  // namespace fetchpool
