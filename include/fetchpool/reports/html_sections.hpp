#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fetchpool/core/result.hpp"
#include "fetchpool/hosts/host_stats.hpp"
#include "fetchpool/output/certificate_digest.hpp"
#include "fetchpool/reports/change_digest.hpp"

namespace fetchpool {

// The HTML report's optional sections, as HTML (every URL, host and reason escaped).

// --state: "What changed since the last run", the new failures, then the recovered URLs.
std::string HtmlChangesSection(const ChangeDigest& changes);

// One answer's phases as a stacked bar: DNS, connect, TLS, first byte, body, each `scale_ms`
// wide at full width (the slowest row's time), with the times in its tooltip.
std::string HtmlPhaseBar(const PhaseTimings& timings, double scale_ms);

// One slow answer, for the phase bars.
struct SlowAnswer {
  std::chrono::microseconds took{0};
  std::string url;  // with --each-address, " [ADDRESS]" after it
  PhaseTimings timings;
};

// The slow answers with a phase bar each, slowest first: those --slow flagged (`flagged`; then
// `more` says how many beyond these there were), else the run's slowest.
std::string HtmlSlowSection(std::vector<SlowAnswer> rows, bool flagged, std::uint64_t more);

// The certificates that expire soonest, one row each however many URLs came with it; empty when
// no answer came over TLS.
std::string HtmlCertificatesSection(const CertificateDigest& digest, std::size_t max_rows);

// --host-stats: the per-host table, worst host first, at most `max_rows` rows (then a note says
// how many more hosts there were).
std::string HtmlHostsSection(const std::vector<HostStatsRow>& rows, std::size_t max_rows);

}  // namespace fetchpool
