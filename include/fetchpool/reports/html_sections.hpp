#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "fetchpool/hosts/host_stats.hpp"
#include "fetchpool/reports/change_digest.hpp"

namespace fetchpool {

// The HTML report's optional sections, as HTML (every URL, host and reason escaped).

// --state: "What changed since the last run", the new failures, then the recovered URLs.
std::string HtmlChangesSection(const ChangeDigest& changes);

// --host-stats: the per-host table, worst host first, at most `max_rows` rows (then a note says
// how many more hosts there were).
std::string HtmlHostsSection(const std::vector<HostStatsRow>& rows, std::size_t max_rows);

}  // namespace fetchpool
