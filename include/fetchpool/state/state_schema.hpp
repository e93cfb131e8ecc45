#pragma once

#include <cstdint>
#include <string>

#include "fetchpool/state/sqlite_handles.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// The state file's layout version (PRAGMA user_version) and its mark (PRAGMA application_id,
// "FPst"), so another program's SQLite database is never mistaken for ours.
inline constexpr std::int64_t kStateSchemaVersion = 6;
inline constexpr std::int64_t kStateApplicationId = 0x46507374;

// Makes `db` (just opened read-write, nothing written yet) a current fetchpool state: an empty
// file gets the whole schema, an older version is migrated step by step in one transaction. A
// file that is not ours (random bytes, another program's database) or that a newer fetchpool
// wrote is refused before a single byte of it changes. `path` is for messages.
Status PrepareStateSchema(Database& db, const std::string& path);

}  // namespace fetchpool
