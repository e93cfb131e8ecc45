#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/expectations.hpp"
#include "fetchpool/core/url_history.hpp"

namespace fetchpool {

// The name of standard input in reports and results ("-", as on the command line).
inline constexpr std::string_view kStdinName = "-";

// One URL line of the input, as the reader hands it to a worker. A plain value: it is moved
// between threads through a BoundedQueue, never shared.
struct Job {
  std::uint64_t seq = 0;   // 0-based position among the input's URLs
  std::uint64_t line = 0;  // 1-based line number within its source
  // The source as named on the command line, kStdinName for stdin. It views the name in
  // InputOptions::files (or a literal), which outlives every job and result of the run.
  std::string_view input = kStdinName;
  // As given (trimmed), with a password or token in it redacted (RedactUrl): what every output,
  // report and --state sees. The URL to request, when that differs, is `fetch_url`.
  std::string url;
  std::string fetch_url;  // the URL with its credentials; empty when `url` is the URL itself
  std::string invalid;    // non-empty: why this line cannot be fetched; the worker only reports it
  // From the reader's one parse of the URL (ValidateJob), so no later stage parses it again: its
  // HostKey (empty until known) and whether that host is an IP address.
  std::string host;
  std::uint16_t port = 0;  // the URL's, or its scheme's default; 0 until validated
  bool ip_literal = false;
  bool url_checked = false;              // ValidateJob has run (or the line is refused whole)
  std::unique_ptr<Expectations> expect;  // per-line checks, null when the line has none
  std::uint64_t checks_digest = 0;       // of the per-line checks' text; 0 when there are none
  UrlHistory history;                    // --state: what earlier runs saw of this URL

  // Carried between attempts when the job is retried.
  int attempts = 0;                                     // transfers already made
  std::chrono::steady_clock::time_point first_start{};  // of the first attempt; epoch before it
  bool head_refused = false;  // --head got 405/501 here once: later attempts use GET
  // When the dispatcher took it for this attempt (submitted, or scheduled for a retry): the
  // worker pool reports the time from here to the attempt's start as Result::span.waited.
  std::chrono::steady_clock::time_point ready_at{};
};

// Why a URL failed; retry policy and output formats key off this, not off message text.
enum class ErrorKind {
  kNone,
  kInvalidUrl,
  kHttpStatus,
  kResolve,
  kConnect,
  kTimeout,
  kStalled,
  kTruncated,
  kReset,
  kEmptyReply,
  kTooManyRedirects,
  kDisallowedRedirect,
  kTls,
  kTooLarge,
  kCheckFailed,  // a per-line check (status=, max-ms=, contains=, sha256=) did not hold
  kAborted,      // cancelled by a stop request; not a verdict on the URL
  kSaveFailed,   // -o: the body could not be saved (disk full, no permission, name taken...)
  kOther,
};

// The outcome of one Job. Expected failures are values here, never exceptions.
struct Result {
  std::uint64_t seq = 0;
  std::uint64_t line = 0;
  std::string_view input = kStdinName;  // Job::input
  std::string url;                      // Job::url: credentials redacted
  bool ok = false;
  // Not ok, but it must not fail the run (--warn, --fail-after): counted as warned, shown as
  // [WARN], ignored by the exit status and by --max-failures.
  bool warning = false;
  ErrorKind error_kind = ErrorKind::kNone;
  std::string error;     // human-readable reason, empty when ok
  long http_status = 0;  // final status after redirects; 0 when no response arrived
  std::uint64_t bytes = 0;
  // From the start of the first attempt to this outcome: a retried URL's waits are included.
  std::chrono::microseconds elapsed{0};
  int attempts = 1;
  std::string saved_path;  // -o: where the body is now ("DIR/name"), empty when not saved
  bool skipped = false;    // -o with --on-exists skip: ok without downloading, the file was there
  // The server's Retry-After (either form), as a wait from when the response arrived.
  std::optional<std::chrono::seconds> retry_after;
  // The last attempt, as the worker pool saw it (for --html's timeline). No allocation.
  struct Span {
    std::chrono::microseconds start{0};   // from the run's start
    std::chrono::microseconds took{0};    // the attempt (a refused HEAD and its GET together)
    std::chrono::microseconds waited{0};  // before it, since Job::ready_at (retry, host, queue)
    int worker = -1;                      // 0-based; -1 when no worker ran it
  } span;

  // --state (see url_history.hpp): answered from the state without a fetch (--max-cache-age, or
  // a URL the resumed run had already done); what changed since the last check; the failure
  // streak this result makes (0 when ok) and since when (unix ms).
  bool cached = false;
  Change change = Change::kNone;
  int fail_runs = 0;
  std::int64_t failing_since_ms = 0;
  std::uint64_t checks_digest = 0;  // the Job's, so the state knows what this was judged by
  std::int64_t state_url_id = 0;    // the URL's row if it has one, so the writer need not find it

  // Every redirect followed, in order: the status and the URL (credentials redacted) that
  // answered it. Empty without redirects (no allocation).
  struct Redirect {
    long status = 0;
    std::string url;
  };
  std::vector<Redirect> redirects;

  // Filled only when the output format asks for them (they cost allocations per URL).
  std::string effective_url;  // after redirects, credentials redacted
  std::string ip;             // of the last connection
  // libcurl's phase times, each measured from the start of the last attempt, in milliseconds.
  struct Timings {
    double dns_ms = 0;
    double connect_ms = 0;
    double tls_ms = 0;
    double first_byte_ms = 0;
    double total_ms = 0;
  } timings;
};

}  // namespace fetchpool
