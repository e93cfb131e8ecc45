#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fetchpool {

// What --state remembered about a URL before this run, carried on its Job. A plain value.
struct UrlHistory {
  bool tracked = false;               // --state is in use (otherwise nothing below means anything)
  bool seen = false;                  // the URL has a history
  bool last_ok = false;               // its last check was ok
  int fail_streak = 0;                // runs in a row it has failed, up to its last check
  std::int64_t failing_since_ms = 0;  // unix ms of the first failure of that streak
  std::int64_t url_id = 0;            // seen: its row, so the writer need not look it up again
};

// What a result means against the URL's history ("change" in JSON).
enum class Change { kNone, kNewFailure, kStillFailing, kRecovered };

// "new_failure", "still_failing", "recovered", or nullptr for kNone.
const char* ChangeName(Change change);
// The change ChangeName calls `name`; kNone for ""; nullopt for a name it never gives.
std::optional<Change> ChangeNamed(std::string_view name);

}  // namespace fetchpool
