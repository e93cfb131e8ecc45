#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/error_kind.hpp"
#include "fetchpool/core/job.hpp"
#include "fetchpool/core/url_history.hpp"

namespace fetchpool {

// How long each phase of an attempt took on its own, in milliseconds; 0 for a phase that did
// not happen (connect and TLS on a reused connection).
struct PhaseDurations {
  double dns = 0;
  double connect = 0;
  double tls = 0;
  double first_byte = 0;  // from the request sent (or the connection ready) to the first byte
  double transfer = 0;    // the rest: the body
};

// libcurl's phase times of the last attempt, each measured from its start, in milliseconds (as
// curl -w reports them).
struct PhaseTimings {
  double dns_ms = 0;
  double connect_ms = 0;
  double tls_ms = 0;
  double first_byte_ms = 0;
  double total_ms = 0;

  PhaseDurations Durations() const;
};

// What the body checks need from the body, gathered as it streams by (BodyChecker): the body
// itself is never kept.
struct BodyFacts {
  bool contains_found = false;  // contains=: the text occurred in the body
  std::string sha256;  // sha256=: the body's digest, 64 hex digits; empty when not asked for
};

// A response header the verdict looks at (a bot wall's markers), as the server sent it.
struct HeaderNote {
  std::string name;  // lower case
  std::string value;
};

// One response of a redirect chain, before the final one: its status, and the absolute URL of
// the request it led to (its Location made absolute, credentials redacted).
struct RedirectHop {
  long http_status = 0;
  std::string location;
};

// The certificate a TLS connection's server presented, the same for every URL the connection
// carries: read once per connection and shared by their results (immutable, so any thread may
// read it).
struct CertificateFacts {
  std::chrono::system_clock::time_point not_after{};  // the leaf's
  std::string expires;  // the same, ISO 8601 UTC: "2026-12-09T10:44:21Z"
  std::string subject;  // RFC 2253, most specific first: "CN=example.com,O=Example"
  std::string issuer;
  std::string sha256;  // of the leaf (DER), hex: one certificate, however many URLs and hosts
  // The earliest expiry among the other certificates the server sent (its intermediates), when
  // that comes before the leaf's; then also that certificate's subject.
  std::optional<std::chrono::system_clock::time_point> chain_not_after;
  std::string chain_expires;  // ISO 8601 UTC, as `expires`
  std::string chain_subject;

  // The first expiry that breaks the chain: the leaf's, or an intermediate's before it.
  std::chrono::system_clock::time_point soonest() const {
    return chain_not_after && *chain_not_after < not_after ? *chain_not_after : not_after;
  }
};

// Whole days from `now` until `t`, rounded down (negative once `t` has passed): "expires in N
// days" and --cert-warn DAYS both read it.
std::int64_t DaysLeft(std::chrono::system_clock::time_point t,
                      std::chrono::system_clock::time_point now);

// What the transfers of one URL observed: the fetcher's part. Facts only, never a judgement: a
// 404, a failed check or a slow answer are for the verdict to call.
struct TransferFacts {
  // Why no whole response arrived (resolve, connect, timeout, TLS, a body over --max-size, a
  // stop...); kNone when one did, whatever its status.
  ErrorKind failure = ErrorKind::kNone;
  std::string failure_detail;  // what went wrong, for people ("connection refused")
  long http_status = 0;        // final status after redirects; 0 when no response arrived
  bool resumed = false;        // -c: the body completes a partial file, so its 206 stands for a 200
  std::uint64_t bytes = 0;
  // From the start of the first attempt to this outcome: a retried URL's waits are included.
  std::chrono::microseconds elapsed{0};
  std::chrono::microseconds took{0};  // this attempt alone (what max-ms= judges)
  int attempts = 1;
  // The server's Retry-After (either form), as a wait from when the response arrived.
  std::optional<std::chrono::seconds> retry_after;
  BodyFacts body;  // only what the line's checks ask for
  // Filled only when the output shows them (they cost allocations per URL).
  std::string effective_url;  // after redirects
  std::string ip;             // of the last connection
  PhaseTimings timings;
  // Room for the verdict rules to come, each filled by the fetcher only when a rule needs it
  // (see verdict.hpp); empty until then, and free to move.
  std::vector<HeaderNote> headers;     // response headers of note (ResponseNotes)
  std::vector<RedirectHop> redirects;  // the chain before the final response
  // https: the final response's connection's certificate; null for plain http, or when no
  // response arrived.
  std::shared_ptr<const CertificateFacts> certificate;
  // The start of the final response's body when its status is one a bot wall answers with
  // (ResponseNotes::suspect_statuses); empty for every other response.
  std::string body_start;
};

// What the verdict's rules read of a response beyond its status and the redirect chain, derived
// from their tables (verdict::ResponseNotesWanted). The fetcher notes exactly this, so a response
// that carries none of it costs nothing.
struct ResponseNotes {
  // Lower-case header names noted on every final response: headers a bot wall alone sends.
  std::span<const std::string_view> headers;
  // Statuses a bot wall answers with: for these the fetcher also notes `suspect_headers` and
  // keeps up to `body_bytes` of the body.
  std::span<const long> suspect_statuses;
  std::span<const std::string_view> suspect_headers;
  std::size_t body_bytes = 0;

  bool Suspect(long status) const {
    return std::find(suspect_statuses.begin(), suspect_statuses.end(), status) !=
           suspect_statuses.end();
  }
};

// Where a redirect chain that starts with a permanent redirect (301, 308) led: the verdict's
// reading of TransferFacts::redirects.
enum class Relocation {
  kNone,      // no redirect, or the first was temporary (302, 303, 307)
  kUpgraded,  // only http -> https on the same host and path, or an added trailing slash
  kMoved,     // somewhere else
};

// Whether the URL is ok, and if not why: the verdict's part.
struct Verdict {
  bool ok = false;
  // Not ok, but it must not fail the run (--warn, --fail-after): counted as warned, shown as
  // [WARN], ignored by the exit status and by --max-failures.
  bool warning = false;
  ErrorKind error_kind = ErrorKind::kNone;
  std::string error;  // human-readable reason, empty when ok
  // Another attempt may answer differently (a connection failure, a timeout, a 503...): what
  // the retry policy asks, so retries follow the same reading of the facts.
  bool transient = false;
  // A whole, accepted answer arrived: no outcome rule found fault, whatever the policy rules then
  // made of it (--slow, --cert-warn). What latency budgets (--max-p95) measure.
  bool answered = false;
  // kBlocked: whose bot wall answered ("Cloudflare"): a name from the verdict's table, or, read
  // back by `fetchpool report`, whatever name the run wrote.
  std::string blocked_by;
  // A first permanent redirect: whether it moved or only upgraded, and where it led (the last
  // permanent redirect of the chain's leading run, so the list can point there at once).
  Relocation relocation = Relocation::kNone;
  std::string moved_to;
};

// -o: what became of the body.
struct Saved {
  std::string path;      // where the body is now ("DIR/name"), empty when not saved
  bool skipped = false;  // --on-exists skip: ok without downloading, the file was there
  std::string error;     // why the body could not be saved; empty when it was (or need not be)
};

// --state (see url_history.hpp): the state's part.
struct StateNote {
  // Answered from the state without a fetch (--max-cache-age, or a URL the resumed run had
  // already done).
  bool cached = false;
  Change change = Change::kNone;      // what changed since the last check
  int fail_runs = 0;                  // the failure streak this result makes (0 when ok)
  std::int64_t failing_since_ms = 0;  // and since when (unix ms)
  std::uint64_t checks_digest = 0;    // the job's, so the state knows what this was judged by
  std::int64_t url_id = 0;            // the URL's row if it has one, so the writer need not find it
};

// The last attempt, as the worker pool saw it (for --html's timeline). No allocation.
struct Span {
  std::chrono::microseconds start{0};   // from the run's start
  std::chrono::microseconds took{0};    // the attempt (a refused HEAD and its GET together)
  std::chrono::microseconds waited{0};  // before it, since JobProgress::ready_at
  int worker = -1;                      // 0-based; -1 when no worker ran it
};

// --dedup: the line whose fetch this result shares (its URL came first there). The reader names
// the first by its seq; the printer, which holds the first's result, fills in its origin and
// copies its verdict.
struct Duplicate {
  std::uint64_t seq = 0;  // the first's
  std::string_view input;
  std::uint64_t line = 0;
  std::uint32_t column = 0;
};

// The outcome of one Job, in the parts the stages that fill them own. Expected failures are
// values here, never exceptions. Moved through three queues per URL, so it holds no heap
// memory beyond its strings.
struct Result {
  Origin origin;  // the job's (MakeResult)
  TransferFacts transfer;
  Verdict verdict;
  Saved saved;
  StateNote state;
  Span span;
  std::optional<Duplicate> duplicate_of;  // --dedup: set by the reader, completed by the printer
};

// The one place a result is made from its job: its origin (which input, line and URL), the
// attempt it stands for, and what the state knows of the URL. The rvalue form takes the job's
// URL (a job answered without a fetch goes no further).
Result MakeResult(const Job& job);
Result MakeResult(Job&& job);

}  // namespace fetchpool
