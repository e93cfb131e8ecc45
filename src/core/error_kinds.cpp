#include "fetchpool/core/error_kinds.hpp"

#include <array>
#include <cstddef>

namespace fetchpool {
namespace {

struct KindSpelling {
  ErrorKind kind;
  const char* name;   // ErrorKindName
  const char* label;  // ErrorKindLabel
  ReportRule rule;    // RuleFor
};

constexpr std::size_t kKindCount = static_cast<std::size_t>(ErrorKind::kOther) + 1;

// In ErrorKind's order; the static_assert below and a unit test hold it to that.
constexpr std::array<KindSpelling, kKindCount> kKinds = {{
    {ErrorKind::kNone, "", "none", {"none", "None", "The URL was fetched as expected."}},
    {ErrorKind::kInvalidUrl,
     "invalid_url",
     "invalid URL",
     {"invalid-url", "InvalidUrl", "The line is not an http or https URL fetchpool can fetch."}},
    {ErrorKind::kHttpStatus,
     "http_status",
     "HTTP status",
     {"http-status", "HttpStatus", "The server answered with a status that is not accepted."}},
    {ErrorKind::kResolve,
     "resolve",
     "DNS lookup failed",
     {"resolve", "Resolve", "The name lookup failed or got no answer in time."}},
    {ErrorKind::kNoSuchHost,
     "no_such_host",
     "no such host",
     {"no-such-host", "NoSuchHost", "The host name does not exist (NXDOMAIN) or has no address."}},
    {ErrorKind::kConnect,
     "connect",
     "connection failed",
     {"connection", "Connection", "No connection could be made to the server."}},
    {ErrorKind::kTimeout,
     "timeout",
     "timeout",
     {"timeout", "Timeout", "The transfer or connection timed out."}},
    {ErrorKind::kStalled,
     "stalled",
     "stalled",
     {"stalled", "Stalled", "The server sent nothing for longer than --stall-timeout."}},
    {ErrorKind::kTruncated,
     "truncated",
     "truncated body",
     {"truncated", "Truncated", "The connection closed before the whole body arrived."}},
    {ErrorKind::kReset,
     "reset",
     "connection reset",
     {"connection-reset", "ConnectionReset", "The server reset the connection."}},
    {ErrorKind::kEmptyReply,
     "empty_reply",
     "empty reply",
     {"empty-reply", "EmptyReply", "The server closed without a reply."}},
    {ErrorKind::kTooManyRedirects,
     "too_many_redirects",
     "too many redirects",
     {"too-many-redirects", "TooManyRedirects",
      "The URL redirected more than --max-redirs times."}},
    {ErrorKind::kDisallowedRedirect,
     "disallowed_redirect",
     "redirect refused",
     {"redirect-refused", "RedirectRefused",
      "A redirect led to a scheme fetchpool does not follow."}},
    {ErrorKind::kTls,
     "tls",
     "TLS error",
     {"tls", "Tls", "The TLS handshake or certificate check failed."}},
    {ErrorKind::kTooLarge,
     "too_large",
     "body too large",
     {"too-large", "TooLarge", "The body is larger than --max-size."}},
    {ErrorKind::kCheckFailed,
     "check_failed",
     "check failed",
     {"check-failed", "CheckFailed",
      "A check on the URL's line (status=, max-ms=, contains=, sha256=) did not hold."}},
    {ErrorKind::kAborted,
     "aborted",
     "aborted",
     {"aborted", "Aborted", "The transfer was cut short by a stop."}},
    {ErrorKind::kSaveFailed,
     "save_failed",
     "save failed",
     {"save-failed", "SaveFailed", "The body could not be saved (-o)."}},
    {ErrorKind::kBlocked,
     "blocked",
     "blocked by bot protection",
     {"blocked", "Blocked",
      "A bot wall or challenge (Cloudflare, Akamai, DataDome...) answered instead of the page."}},
    {ErrorKind::kMoved,
     "moved",
     "moved",
     {"moved", "Moved", "The URL redirects permanently (301 or 308) to another URL."}},
    {ErrorKind::kCertExpiring,
     "cert_expiring",
     "certificate expiring",
     {"certificate-expiry", "CertificateExpiry",
      "The server's certificate, or one its chain sent, expires within --cert-warn or "
      "--cert-fail days."}},
    {ErrorKind::kSlow,
     "slow",
     "slow",
     {"slow", "Slow", "The answer took longer than --slow allows."}},
    {ErrorKind::kOther, "other", "other", {"other", "Other", "The URL failed for another reason."}},
}};

constexpr bool InEnumOrder() {
  for (std::size_t i = 0; i < kKinds.size(); ++i) {
    if (static_cast<std::size_t>(kKinds[i].kind) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kKinds must list every ErrorKind in declaration order");

const KindSpelling& SpellingOf(ErrorKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kKinds.size() ? kKinds[i] : kKinds.back();  // a bad cast reads as kOther
}

}  // namespace

const char* ErrorKindName(ErrorKind kind) { return SpellingOf(kind).name; }

const char* ErrorKindLabel(ErrorKind kind) { return SpellingOf(kind).label; }

ErrorKind ErrorKindNamed(std::string_view name) {
  for (const KindSpelling& k : kKinds) {
    if (name == k.name) return k.kind;
  }
  return ErrorKind::kOther;
}

const ReportRule& RuleFor(ErrorKind kind) { return SpellingOf(kind).rule; }

std::optional<ErrorKind> WarnableKindNamed(std::string_view name) {
  for (const KindSpelling& k : kKinds) {
    if (k.kind == ErrorKind::kNone || k.kind == ErrorKind::kAborted) continue;
    if (name == k.name || name == k.rule.id) return k.kind;
  }
  return std::nullopt;
}

}  // namespace fetchpool
