#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fetchpool/core/expectations.hpp"
#include "fetchpool/core/url_history.hpp"

namespace fetchpool {

// The name of standard input in reports and results ("-", as on the command line).
inline constexpr std::string_view kStdinName = "-";

// Where a URL came from: the identity a job and its result share (MakeResult copies it).
struct Origin {
  std::uint64_t seq = 0;   // 0-based position among the input's URLs
  std::uint64_t line = 0;  // 1-based line number within its source
  // The source as named on the command line, kStdinName for stdin; or the document the line is
  // from (grep's PATH, a diff's new file, a sitemap). It views the name in InputOptions or in the
  // run's OriginNames (or a literal), which outlive every job and result of the run.
  std::string_view input = kStdinName;
  // Where the URL starts in its line, 1-based, in characters; 0 when the URL is the whole line
  // (one URL per line) or its place is unknown.
  std::uint32_t column = 0;
  // --baseline: the URL was in the baseline already (the reader looks it up), so the verdict's
  // baseline rule makes its failure a warning.
  bool in_baseline = false;
  // As given (trimmed), with a password or token in it redacted (RedactUrl): what every output,
  // report and --state sees. The URL to request, when that differs, is Target::fetch_url.
  std::string url;
  // --each-address: the one address of the URL's host this job connects to ("127.0.0.2",
  // "::1"), and which of how many the name resolved to. Empty and 0 without the flag, and until
  // a worker has resolved the name; the URL's jobs, one per address, share seq.
  std::string address;
  std::uint16_t address_index = 0;
  std::uint16_t address_count = 0;
};

// The reader's one parse of the URL (ValidateJob), so no later stage parses it again.
struct Target {
  // The URL with its credentials; empty when Origin::url is the URL itself. Never copied into a
  // result (MakeResult takes the origin only), so no writer can see it.
  std::string fetch_url;
  std::string invalid;     // non-empty: why this line cannot be fetched; the worker only reports it
  std::string host;        // its HostKey; empty until known, and for an invalid line
  std::uint16_t port = 0;  // the URL's, or its scheme's default; 0 until validated
  bool ip_literal = false;
  bool checked = false;  // ValidateJob has run (or the line is refused whole)
};

// The checks written after the URL on its line.
struct LineChecks {
  std::unique_ptr<Expectations> expect;  // null when the line has none
  std::uint64_t digest = 0;              // of the checks' text; 0 when there are none
};

// Carried between attempts when the job is retried (the dispatcher's and the worker's).
struct JobProgress {
  int attempts = 0;                                     // transfers already made
  std::chrono::steady_clock::time_point first_start{};  // of the first attempt; epoch before it
  bool head_refused = false;  // --head got 405/501 here once: later attempts use GET
  // When the dispatcher took it for this attempt (submitted, or scheduled for a retry): the
  // worker pool reports the time from here to the attempt's start as Result::span.waited.
  std::chrono::steady_clock::time_point ready_at{};
};

// One URL line of the input, as the reader hands it to a worker. A plain value: it is moved
// between threads, never shared. Each part has one owner: the reader fills origin, target and
// checks, the state's screen the history, the dispatcher and the worker the progress.
struct Job {
  Origin origin;
  Target target;
  LineChecks checks;
  UrlHistory history;  // --state: what earlier runs saw of this URL
  JobProgress progress;
};

// --each-address: the job once more, for another of its host's addresses (checks copied).
Job CopyForAddress(const Job& job, std::string address, std::uint16_t index);

}  // namespace fetchpool
