#pragma once

#include <functional>
#include <string_view>
#include <utility>

#include "fetchpool/core/job.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/core/verdict_options.hpp"

namespace fetchpool {

// The one place that decides whether a URL is ok, warned or failed, and why. Fetchers report
// what a transfer observed (Result::transfer, Result::saved) and never judge it; Judge::Decide
// turns those facts, the job's per-line checks and history, and the run's policy (--accept,
// --warn, --fail-after) into Result::verdict. The retry policy reads Verdict::transient, so a
// retry follows the same reading of the facts as the verdict.
//
// The decision is two ordered tables of rules (src/verdict/rules.hpp and rules.cpp):
//   outcome rules  what happened to the URL. Each either settles the verdict (returns true: ok,
//                  or failed with an error kind and a reason) or passes; the first that settles
//                  wins, and when none does the URL is ok. In order: invalid line, aborted,
//                  saving (-o), transfer failure, status (--accept), per-line checks.
//   policy rules   what the run makes of that outcome, each in turn, every time: an ok may
//                  become a warning or a failure (--cert-warn, --cert-fail, --slow, then
//                  --warn moved), and a failure a warning (--warn, a bot wall unless --strict,
//                  --fail-after, --baseline).
//
// How to add a rule (a new verdict kind):
//   1. Its error kind: an ErrorKind value and its row in error_kinds.cpp (name, label, report
//      rule), so every output and --warn can name it.
//   2. The facts it needs, if they are new: a field of TransferFacts (result.hpp), filled by the
//      fetcher (http/curl_fetcher.cpp) and by the test fetcher (tests/support/fake_fetcher.cpp).
//      Room is kept for response headers of note, the redirect chain, the certificate and
//      timings.
//   3. Its setting, if it has one: a field of VerdictOptions, bound to its flag in cli.cpp.
//   4. The rule itself: a function in rules.cpp taking the Evidence (the job, the facts, what
//      was saved, the options), and one row in kOutcomeRules (a new way to fail,
//      such as a bot wall answering 403/429/503 with a challenge: placed before "status") or
//      in kPolicyRules (a new reading of an outcome: a first-hop 301/308, a certificate near
//      expiry, --slow, a failure already in a --baseline). Rows run in table order, so the
//      row's place is its precedence; a softening rule (failure -> warning) goes after the
//      rules that fail or warn.
//   5. A test in tests/verdict/: facts in, verdict out; the pipeline tests run it in-process.
// Set Verdict::transient when another attempt may answer differently; retries follow it.
// A rule that reads more of a response than its status and redirect chain names what it reads in
// ResponseNotes (NotesWanted), so the fetcher notes exactly that and nothing on other responses.
//
// Thread-safety: immutable after construction; Decide may be called from any thread.
class Judge {
 public:
  // The options a host's URLs are judged by (a config section's --accept and --warn); the run's
  // when there is no such lookup. Called from any thread: it must be thread-safe.
  using PerHost = std::function<const VerdictOptions&(std::string_view host)>;
  // What the rules read of a response besides its status and redirects (bot walls' headers and
  // the start of a suspect body), for the fetcher to note. Static; thread-safe.
  static const ResponseNotes& NotesWanted();

  // `options` must outlive the judge.
  explicit Judge(const VerdictOptions& options, PerHost per_host = {})
      : options_(options), per_host_(std::move(per_host)) {}

  // Decides `result.verdict` afresh from `result.transfer`, `result.saved`, `job`'s checks and
  // history, and the options; with --state it also says what the result means against the URL's
  // history (result.state: change, failure streak, failing since). Called for every attempt,
  // and again after -o kept (or could not keep) the body.
  void Decide(const Job& job, Result& result) const;

 private:
  const VerdictOptions& options_;
  const PerHost per_host_;
};

}  // namespace fetchpool
