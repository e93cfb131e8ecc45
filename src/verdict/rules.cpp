#include "rules.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <string>

#include "fetchpool/util/utc_time.hpp"
#include "fetchpool/verdict/bot_walls.hpp"
#include "relocation.hpp"

namespace fetchpool::verdict {
namespace {

void Fail(Verdict& v, ErrorKind kind, std::string why) {
  v.ok = false;
  v.error_kind = kind;
  v.error = std::move(why);
}

// Failures another attempt may not repeat: the network or the server may do better next time.
// Never invalid URLs, a name that does not exist, refused redirects, TLS problems, oversized
// bodies, failed checks or aborts: trying again would give the same answer (or ignore the
// user's stop).
bool TransientKind(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kResolve:  // a DNS server that failed or did not answer
    case ErrorKind::kConnect:
    case ErrorKind::kTimeout:
    case ErrorKind::kStalled:
    case ErrorKind::kTruncated:
    case ErrorKind::kReset:
    case ErrorKind::kEmptyReply:
      return true;
    default:
      return false;
  }
}

// Statuses a server gives while it is overloaded, restarting or rate limiting.
bool TransientStatus(long status) {
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

// The status the checks and --accept see: a resumed body is the whole file, so its 206 stands
// for the 200 it completes.
long StatusForChecks(const TransferFacts& f) { return f.resumed ? 200 : f.http_status; }

const Expectations* ChecksOf(const Evidence& e) { return e.job.checks.expect.get(); }

// --- outcome rules -------------------------------------------------------------------------

// The line cannot be fetched (not a URL fetchpool can fetch, bad checks, too long).
bool InvalidLine(const Evidence& e, Verdict& v) {
  if (e.job.target.invalid.empty()) return false;
  Fail(v, ErrorKind::kInvalidUrl, e.job.target.invalid);
  return true;
}

// A stop cut the transfer short: no verdict on the URL, whatever else was seen.
bool Aborted(const Evidence& e, Verdict& v) {
  if (e.facts.failure != ErrorKind::kAborted) return false;
  Fail(v, ErrorKind::kAborted, e.facts.failure_detail);
  return true;
}

// -o: the file was there already (--on-exists skip: ok without a download), or the body could
// not be saved, which fails the URL whatever the transfer did.
bool Saving(const Evidence& e, Verdict& v) {
  if (e.saved.skipped) {
    v.ok = true;
    return true;
  }
  if (e.saved.error.empty()) return false;
  Fail(v, ErrorKind::kSaveFailed, e.saved.error);
  return true;
}

// No whole response arrived: the transfer's own failure.
bool TransferFailed(const Evidence& e, Verdict& v) {
  if (e.facts.failure == ErrorKind::kNone) return false;
  Fail(v, e.facts.failure, e.facts.failure_detail);
  v.transient = TransientKind(e.facts.failure);
  return true;
}

// A bot wall or challenge answered instead of the page (bot_walls.cpp), whatever --accept says.
// A status= check on the line that expects this very status wins: the user asked for it. Never
// transient: a robot cannot pass a challenge by asking again.
bool Blocked(const Evidence& e, Verdict& v) {
  const std::optional<std::string_view> provider = RecognizeBotWall(e.facts);
  if (!provider) return false;
  const Expectations* checks = ChecksOf(e);
  if (checks != nullptr && checks->status && checks->status->Contains(StatusForChecks(e.facts))) {
    return false;
  }
  Fail(v, ErrorKind::kBlocked, fmt::format("blocked by bot protection ({})", *provider));
  v.blocked_by.assign(*provider);
  return true;
}

// --accept (default: below 400). A status= check on the line replaces it.
bool Status(const Evidence& e, Verdict& v) {
  const Expectations* checks = ChecksOf(e);
  if (checks != nullptr && checks->status) return false;
  const long status = e.facts.http_status;
  const bool accepted =
      e.options.accept ? e.options.accept->Contains(StatusForChecks(e.facts)) : status < 400;
  if (accepted) return false;
  Fail(v, ErrorKind::kHttpStatus, fmt::format("HTTP {}", status));
  v.transient = TransientStatus(status);
  return true;
}

// The line's checks, in the order they are documented: status=, max-ms= (this attempt only,
// not the waits between retries), contains=, sha256=.
bool LineChecks(const Evidence& e, Verdict& v) {
  const Expectations* checks = ChecksOf(e);
  if (checks == nullptr) return false;
  const TransferFacts& f = e.facts;
  std::string failed;
  const long ms = static_cast<long>(f.took.count() / 1000);
  if (checks->status && !checks->status->Contains(StatusForChecks(f))) {
    failed =
        fmt::format("check status={} failed: got {}", checks->status->text(), StatusForChecks(f));
  } else if (checks->max_ms && ms > *checks->max_ms) {
    failed = fmt::format("check max-ms={} failed: took {}ms", *checks->max_ms, ms);
  } else if (checks->contains && !f.body.contains_found) {
    failed = fmt::format("check contains={} failed: not in the body", checks->contains_text);
  } else if (!checks->sha256.empty() && f.body.sha256.empty()) {
    failed = "check sha256 failed: could not compute the digest";
  } else if (!checks->sha256.empty() && f.body.sha256 != checks->sha256) {
    failed = fmt::format("check sha256={} failed: body has {}", checks->sha256, f.body.sha256);
  }
  if (failed.empty()) return false;
  Fail(v, ErrorKind::kCheckFailed, std::move(failed));
  return true;
}

// --- policy rules --------------------------------------------------------------------------

bool Failed(const Verdict& v) {
  return !v.ok && v.error_kind != ErrorKind::kAborted && v.error_kind != ErrorKind::kNone;
}

// --warn: a failure of a listed kind or status only warns.
void Warn(const Evidence& e, Verdict& v, StateNote&) {
  if (Failed(v) && e.options.warn.Lists(v.error_kind, e.facts.http_status)) v.warning = true;
}

// A bot wall only warns (the host answered, and a robot cannot pass a challenge), unless
// --strict.
void BlockedWarns(const Evidence& e, Verdict& v, StateNote&) {
  if (v.error_kind == ErrorKind::kBlocked && !v.ok && !e.options.strict) v.warning = true;
}

// An answered URL whose first redirect is permanent moved (or only upgraded), also when --slow or
// --cert-warn already warned about it (the link moved all the same); --warn moved makes the move
// of an ok URL a warning, so the list gets fixed (--rewrite).
void Moved(const Evidence& e, Verdict& v, StateNote&) {
  if (!v.answered) return;
  v.relocation = Classify(e.job.origin.url, e.facts.redirects, v.moved_to);
  if (!v.ok || v.relocation != Relocation::kMoved) return;
  if (!e.options.warn.Lists(ErrorKind::kMoved, e.facts.http_status)) return;
  v.ok = false;
  v.warning = true;
  v.error_kind = ErrorKind::kMoved;
  v.error = fmt::format("moved \u2192 {}", v.moved_to);
}

// --state: what the result means against the URL's history ("change"), the failure streak it
// makes, and --fail-after: a failure only warns until it has failed N runs in a row.
void History(const Evidence& e, Verdict& v, StateNote& state) {
  const UrlHistory& h = e.job.history;
  if (!h.tracked || v.error_kind == ErrorKind::kAborted) return;
  const bool was_failing = h.seen && !h.last_ok;
  if (v.ok) {
    state.fail_runs = 0;
    state.failing_since_ms = 0;
    state.change = was_failing ? Change::kRecovered : Change::kNone;
    return;
  }
  state.fail_runs = was_failing ? h.fail_streak + 1 : 1;
  if (was_failing && h.failing_since_ms > 0) {
    state.failing_since_ms = h.failing_since_ms;
  } else {
    state.failing_since_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  }
  state.change = was_failing ? Change::kStillFailing : Change::kNewFailure;
  if (state.fail_runs < e.options.fail_after) v.warning = true;
}

// --baseline: a URL the baseline already held cannot fail the run; its failure only warns
// ("already in the baseline"). After --fail-after, so a streak is still counted in the state.
void Baseline(const Evidence& e, Verdict& v, StateNote&) {
  if (e.job.origin.in_baseline && Failed(v)) v.warning = true;
}

// "certificate expires in 3 days (2026-12-09)"; an intermediate's is named, and one already
// past (seen only with -k) "expired".
std::string ExpiryText(const CertificateFacts& c, std::chrono::system_clock::time_point now) {
  const auto when = c.soonest();
  const bool chain = when != c.not_after;
  const std::int64_t days = DaysLeft(when, now);
  const std::string what = chain ? "intermediate certificate" : "certificate";
  std::string text;
  if (when <= now) {
    const std::int64_t ago = DaysLeft(now, when);
    text = ago == 0 ? fmt::format("{} expired less than a day ago", what)
                    : fmt::format("{} expired {} day{} ago", what, ago, ago == 1 ? "" : "s");
  } else if (days == 0) {
    text = fmt::format("{} expires in less than a day", what);
  } else {
    text = fmt::format("{} expires in {} day{}", what, days, days == 1 ? "" : "s");
  }
  text += fmt::format(" ({})", IsoUtcDate(when));
  if (chain) text += fmt::format(": {}", c.chain_subject);
  return text;
}

// --cert-fail / --cert-warn: an ok answer over a certificate (or chain) that expires within the
// given days fails or warns. A failed URL keeps its own reason.
void Certificate(const Evidence& e, Verdict& v, StateNote&) {
  const CertificateFacts* c = e.facts.certificate.get();
  const VerdictOptions& o = e.options;
  if (!v.ok || c == nullptr || (!o.cert_fail_days && !o.cert_warn_days)) return;
  const auto now = std::chrono::system_clock::now();
  const std::int64_t days = DaysLeft(c->soonest(), now);
  const bool fail = o.cert_fail_days && days < *o.cert_fail_days;
  if (!fail && !(o.cert_warn_days && days < *o.cert_warn_days)) return;
  Fail(v, ErrorKind::kCertExpiring, ExpiryText(*c, now));
  v.warning = !fail;
}

// --slow: an ok answer that took longer than MS (this attempt, as max-ms= judges) warns.
void Slow(const Evidence& e, Verdict& v, StateNote&) {
  if (!v.ok || !e.options.slow_ms) return;
  const long ms = static_cast<long>(e.facts.took.count() / 1000);
  if (ms <= *e.options.slow_ms) return;
  Fail(v, ErrorKind::kSlow, fmt::format("slow: {} ms > {} ms", ms, *e.options.slow_ms));
  v.warning = true;
}

constexpr std::array kOutcomeRules = {
    OutcomeRule{"invalid", InvalidLine}, OutcomeRule{"aborted", Aborted},
    OutcomeRule{"saving", Saving},       OutcomeRule{"transfer", TransferFailed},
    OutcomeRule{"blocked", Blocked},     OutcomeRule{"status", Status},
    OutcomeRule{"checks", LineChecks},
};

constexpr std::array kPolicyRules = {
    PolicyRule{"certificate", Certificate},
    PolicyRule{"slow", Slow},
    PolicyRule{"warn", Warn},
    PolicyRule{"blocked", BlockedWarns},
    PolicyRule{"moved", Moved},
    PolicyRule{"history", History},
    PolicyRule{"baseline", Baseline},
};

}  // namespace

std::span<const OutcomeRule> OutcomeRules() { return kOutcomeRules; }
std::span<const PolicyRule> PolicyRules() { return kPolicyRules; }

}  // namespace fetchpool::verdict
