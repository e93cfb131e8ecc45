#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/result.hpp"
#include "fetchpool/util/units.hpp"  // FormatSize, for the report formats

namespace fetchpool {

// Counts for the closing line. Aborted transfers (cut short by a stop) are not verdicts, so they
// are kept apart from ok/failed.
struct Summary {
  std::uint64_t total = 0;
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::uint64_t warned = 0;  // not ok, but not failures either (Verdict::warning)
  std::uint64_t aborted = 0;
  // Also counted above: URLs a bot wall answered (warned, or failed with --strict), and URLs that
  // moved (ok, or warned with --warn moved).
  std::uint64_t blocked = 0;
  std::uint64_t moved = 0;
  std::uint64_t retries = 0;     // attempts beyond the first, over all URLs
  std::uint64_t duplicates = 0;  // --dedup: results copied from an earlier line's (in total)
  bool show_changes = false;     // --state: new failures and recoveries are counted and shown
  std::uint64_t new_failures = 0;
  std::uint64_t recovered = 0;
  double elapsed_s = 0;
  // --each-address: `total` counts results, one per address; this, the URLs they came from.
  bool show_urls = false;
  std::uint64_t urls = 0;
  // --max-p95 MS: the budget, and the 95th percentile of the answered results' times (each
  // attempt's own, as --slow reads it) against it. Judged only when something was answered.
  std::optional<long> max_p95_ms;
  std::uint64_t answered = 0;
  double answered_p95_ms = 0;
  bool over_budget = false;
};

// Counts `result` in `summary` by its verdict: the one place a verdict becomes ok, warned,
// failed or aborted in a count, for a run's printer and for `fetchpool report`'s check of each
// run's results against its own summary.
void CountResult(const Result& result, Summary& summary);

// Appends `text`, with control bytes (C0, DEL and the C1 controls U+0080..U+009F) and malformed
// UTF-8 as the visible text \xNN, so a hostile line cannot drive (or garble) the terminal.
void AppendEscaped(std::string& out, std::string_view text);

// Where a URL stands: "docs/guide.md:12:5" (FILE:LINE:COLUMN), "urls.txt:3" when the URL is the
// whole line, "(stdin):3" for standard input.
std::string FormatOrigin(std::string_view input, std::uint64_t line, std::uint32_t column);

// A failed or warned result's reason for the reports and annotations: its error, then
// " (duplicate of ORIGIN)" for a --dedup duplicate and " (already in the baseline)".
std::string FullReason(const Result& result);

struct TextStyle {
  bool color = false;    // green and red tags
  bool verbose = false;  // where a redirect led, and the IP
};

// --max-p95: "p95 of 120 answered URLs is 2345 ms, over --max-p95 2000 ms"; empty within it.
std::string BudgetBreach(const Summary& summary);

// Appends "[OK]   URL (1.2KB, 201ms)\n" or "[FAIL] URL (reason, 12ms)\n"; an ok URL that moved
// or was upgraded ends its parentheses with ", moved → NEW_URL" or ", upgraded → NEW_URL". With -o,
// " -> PATH" before the newline says where the body went, and a skip reads "(skipped: exists,
// 0ms)". A URL that took more than one attempt gets ", N attempts" before the ")"; TIME then counts
// from the start of the first attempt. Verbose lines read URL (...) -> WHERE IT LED [IP] -> PATH at
// ORIGIN, the first arrow only when a redirect went somewhere else. A --dedup duplicate reads
// "(REASON or SIZE, duplicate of ORIGIN)"; a failure already in --baseline adds ", already in the
// baseline".
void AppendTextLine(std::string& out, const Result& result, const TextStyle& style);

// A redirect chain for people: "301 → https://a/x, 302 → https://b/y" (each hop's status and
// where it led); "" without redirects.
std::string RedirectChainText(const std::vector<RedirectHop>& hops);

// "Summary: 2 total, 2 ok, 0 failed, 0.41s elapsed\n", with ", N warned", ", N blocked",
// ", N moved" and ", N duplicates" after the failures and ", N retries" at the end when there
// were any. --each-address reads "Summary: 3 URLs, 9 results, ..." instead.
std::string FormatSummary(const Summary& summary);

}  // namespace fetchpool
