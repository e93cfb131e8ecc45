#pragma once

#include "fetchpool/state/sqlite_handles.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// Schema 5: no secrets at rest. Earlier versions stored the command line verbatim (-u, -H and
// --proxy values) and URLs with their user:password@; the 4 -> 5 migration (kScrubSecretsSql)
// redacts both as fetchpool now writes them, merging the history of URLs that differed only in
// their credentials into the row most recently checked.
extern const char* const kScrubSecretsSql;

// Registers the SQL functions kScrubSecretsSql calls on `db` (the migrating connection):
// fetchpool_url_has_secret(url), fetchpool_redact_url(url), fetchpool_redact_arguments(json).
Status RegisterScrubFunctions(Database& db);

// After a migration that redacted anything: rewrites the whole file (VACUUM) and empties the
// write-ahead log, so the old bytes survive neither in free pages nor in the log.
Status WipeOldPages(Database& db);

}  // namespace fetchpool
