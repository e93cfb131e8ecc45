// The one verdict: facts in, ok / warned / failed and why out, for every rule in its tables.
#include "fetchpool/verdict/verdict.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

class VerdictTest : public ::testing::Test {
 protected:
  // The verdict on `facts` for a job whose line carried `checks` (after the URL).
  Result Decide(const TransferFacts& facts, const std::string& checks = "") {
    Job job;
    job.origin.url = "http://h/x";
    if (!checks.empty()) {
      job.checks.expect = std::make_unique<Expectations>();
      EXPECT_EQ(ParseExpectations(checks, *job.checks.expect), "");
    }
    job.history = history_;
    job.origin.in_baseline = in_baseline_;
    Result r = MakeResult(job);
    r.transfer = facts;
    r.saved = saved_;
    Judge(options_).Decide(job, r);
    return r;
  }

  static TransferFacts Status(long status) {
    TransferFacts f;
    f.http_status = status;
    return f;
  }

  // A Cloudflare challenge: status, header and page.
  static TransferFacts Challenge(long status) {
    TransferFacts f = Status(status);
    f.headers = {{"cf-mitigated", "challenge"}, {"server", "cloudflare"}};
    f.body_start = "<!DOCTYPE html><title>Just a moment...</title><script>window._cf_chl_opt={";
    return f;
  }

  // A response after the redirects `hops` ({status, where it led}).
  static TransferFacts Redirected(std::vector<RedirectHop> hops, long status = 200) {
    TransferFacts f = Status(status);
    f.redirects = std::move(hops);
    return f;
  }

  // The verdict on `url` redirected through `hops`.
  Result DecideUrl(const std::string& url, std::vector<RedirectHop> hops) {
    Job job;
    job.origin.url = url;
    Result r = MakeResult(job);
    r.transfer = Redirected(std::move(hops));
    Judge(options_).Decide(job, r);
    return r;
  }

  static TransferFacts Failure(ErrorKind kind, std::string detail = "it broke") {
    TransferFacts f;
    f.failure = kind;
    f.failure_detail = std::move(detail);
    return f;
  }

  VerdictOptions options_;
  UrlHistory history_;
  Saved saved_;
  bool in_baseline_ = false;  // --baseline: the reader found the URL there
};

TEST_F(VerdictTest, BelowFourHundredIsOkByDefault) {
  for (long status : {200, 204, 301, 304, 399}) {
    const Result r = Decide(Status(status));
    EXPECT_TRUE(r.verdict.ok) << status;
    EXPECT_EQ(r.verdict.error_kind, ErrorKind::kNone);
    EXPECT_EQ(r.verdict.error, "");
  }
  const Result r = Decide(Status(404));
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_FALSE(r.verdict.warning);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kHttpStatus);
  EXPECT_EQ(r.verdict.error, "HTTP 404");
}

TEST_F(VerdictTest, OnlyTheStatusesOfABusyServerAreWorthARetry) {
  for (long status : {408, 429, 500, 502, 503, 504}) {
    EXPECT_TRUE(Decide(Status(status)).verdict.transient) << status;
  }
  for (long status : {400, 401, 403, 404, 405, 410, 418, 451, 501, 505, 599}) {
    EXPECT_FALSE(Decide(Status(status)).verdict.transient) << status;
  }
  EXPECT_FALSE(Decide(Status(200)).verdict.transient);
}

TEST_F(VerdictTest, ATransferFailureIsItsOwnKindAndOnlyNetworkTroubleIsRetried) {
  for (ErrorKind kind :
       {ErrorKind::kResolve, ErrorKind::kConnect, ErrorKind::kTimeout, ErrorKind::kStalled,
        ErrorKind::kTruncated, ErrorKind::kReset, ErrorKind::kEmptyReply}) {
    const Result r = Decide(Failure(kind));
    EXPECT_EQ(r.verdict.error_kind, kind);
    EXPECT_EQ(r.verdict.error, "it broke");
    EXPECT_TRUE(r.verdict.transient) << static_cast<int>(kind);
  }
  for (ErrorKind kind :
       {ErrorKind::kNoSuchHost, ErrorKind::kTooManyRedirects, ErrorKind::kDisallowedRedirect,
        ErrorKind::kTls, ErrorKind::kTooLarge, ErrorKind::kAborted, ErrorKind::kOther}) {
    const Result r = Decide(Failure(kind));
    EXPECT_FALSE(r.verdict.ok);
    EXPECT_EQ(r.verdict.error_kind, kind);
    EXPECT_FALSE(r.verdict.transient) << static_cast<int>(kind);
  }
}

TEST_F(VerdictTest, AcceptChoosesTheOkStatuses) {
  options_.accept = StatusSet::Parse("200,404");
  EXPECT_TRUE(Decide(Status(404)).verdict.ok);
  const Result r = Decide(Status(301));
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kHttpStatus);
  EXPECT_EQ(r.verdict.error, "HTTP 301");
}

TEST_F(VerdictTest, ALinesStatusCheckReplacesAccept) {
  options_.accept = StatusSet::Parse("200");
  EXPECT_TRUE(Decide(Status(404), "status=404").verdict.ok);
  const Result r = Decide(Status(503), "status=200,301");
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kCheckFailed);
  EXPECT_EQ(r.verdict.error, "check status=200,301 failed: got 503");
  EXPECT_FALSE(r.verdict.transient) << "the user's own check failed: a retry says the same";
}

TEST_F(VerdictTest, AResumedBodyIsTheWholeFile) {
  TransferFacts f = Status(206);
  f.resumed = true;
  options_.accept = StatusSet::Parse("200");
  EXPECT_TRUE(Decide(f).verdict.ok);
  EXPECT_TRUE(Decide(f, "status=200").verdict.ok);
}

TEST_F(VerdictTest, LineChecksJudgeThisAttemptAndTheBodysFacts) {
  TransferFacts f = Status(200);
  f.took = 700ms;
  f.elapsed = 30s;  // the waits between retries are not this response's
  EXPECT_EQ(Decide(f, "max-ms=500").verdict.error, "check max-ms=500 failed: took 700ms");
  EXPECT_TRUE(Decide(f, "max-ms=700").verdict.ok);

  f.body.contains_found = false;
  Result r = Decide(f, "contains=Hello%20world");
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kCheckFailed);
  EXPECT_EQ(r.verdict.error, "check contains=Hello%20world failed: not in the body");
  f.body.contains_found = true;
  EXPECT_TRUE(Decide(f, "contains=Hello%20world").verdict.ok);

  const std::string want(64, 'a');
  f.body.sha256 = std::string(64, 'b');
  EXPECT_EQ(Decide(f, "sha256=" + want).verdict.error,
            "check sha256=" + want + " failed: body has " + f.body.sha256);
  f.body.sha256.clear();
  EXPECT_EQ(Decide(f, "sha256=" + want).verdict.error,
            "check sha256 failed: could not compute the digest");
  f.body.sha256 = want;
  EXPECT_TRUE(Decide(f, "sha256=" + want).verdict.ok);
  EXPECT_EQ(Decide(Status(404), "contains=x").verdict.error, "HTTP 404")
      << "--accept fails the URL before any body check";
}

TEST_F(VerdictTest, AnInvalidLineFailsBeforeAnythingElse) {
  Job job;
  job.target.invalid = "invalid URL: no host";
  Result r = MakeResult(job);
  Judge(options_).Decide(job, r);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kInvalidUrl);
  EXPECT_EQ(r.verdict.error, "invalid URL: no host");
}

TEST_F(VerdictTest, SavingDecidesOverTheTransferButNotOverAStop) {
  saved_.error = "cannot write 'out/x': No space left on device";
  Result r = Decide(Status(200));
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kSaveFailed);
  EXPECT_EQ(r.verdict.error, saved_.error);
  EXPECT_EQ(Decide(Failure(ErrorKind::kAborted, "aborted")).verdict.error_kind,
            ErrorKind::kAborted);
  saved_ = {.path = "out/x", .skipped = true};
  r = Decide(Failure(ErrorKind::kOther, "write error"));
  EXPECT_TRUE(r.verdict.ok) << "--on-exists skip: the file was there, nothing to download";
  EXPECT_EQ(r.verdict.error, "");
}

TEST_F(VerdictTest, WarnTurnsListedFailuresIntoWarnings) {
  options_.warn = *WarnSpec::Parse("403,5xx,timeout");
  Result r = Decide(Status(403));
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_TRUE(r.verdict.warning);
  EXPECT_EQ(r.verdict.error, "HTTP 403");
  EXPECT_TRUE(Decide(Status(503)).verdict.warning);
  EXPECT_TRUE(Decide(Status(503)).verdict.transient) << "a warned failure is still retried";
  EXPECT_TRUE(Decide(Failure(ErrorKind::kTimeout)).verdict.warning);
  EXPECT_FALSE(Decide(Status(404)).verdict.warning);
  EXPECT_FALSE(Decide(Failure(ErrorKind::kConnect)).verdict.warning);
  EXPECT_FALSE(Decide(Status(200)).verdict.warning);
  EXPECT_FALSE(Decide(Failure(ErrorKind::kAborted)).verdict.warning);
  // With status=200 on its line a 403 fails the check, not --accept: the line's check wins.
  EXPECT_FALSE(Decide(Status(403), "status=200").verdict.warning);
}

TEST_F(VerdictTest, WithoutStateTheHistoryIsLeftAlone) {
  const Result r = Decide(Status(404));
  EXPECT_EQ(r.state.change, Change::kNone);
  EXPECT_EQ(r.state.fail_runs, 0);
}

TEST_F(VerdictTest, HistorySaysNewStillFailingOrRecovered) {
  history_ = {.tracked = true};
  Result r = Decide(Status(404));
  EXPECT_EQ(r.state.change, Change::kNewFailure);
  EXPECT_EQ(r.state.fail_runs, 1);
  EXPECT_GT(r.state.failing_since_ms, 0);

  history_ = {.tracked = true, .seen = true, .last_ok = true};
  EXPECT_EQ(Decide(Status(404)).state.change, Change::kNewFailure);

  history_ = {.tracked = true, .seen = true, .fail_streak = 2, .failing_since_ms = 86400000};
  r = Decide(Status(404));
  EXPECT_EQ(r.state.change, Change::kStillFailing);
  EXPECT_EQ(r.state.fail_runs, 3);
  EXPECT_EQ(r.state.failing_since_ms, 86400000);

  r = Decide(Status(200));
  EXPECT_EQ(r.state.change, Change::kRecovered);
  EXPECT_EQ(r.state.fail_runs, 0);

  history_ = {.tracked = true, .seen = true, .last_ok = true};
  EXPECT_EQ(Decide(Status(200)).state.change, Change::kNone);
  EXPECT_STREQ(ChangeName(Change::kStillFailing), "still_failing");
  EXPECT_EQ(ChangeName(Change::kNone), nullptr);
}

TEST_F(VerdictTest, FailAfterForgivesUntilTheNthRunInARow) {
  options_.fail_after = 3;
  history_ = {.tracked = true};
  EXPECT_TRUE(Decide(Status(404)).verdict.warning);
  history_ = {.tracked = true, .seen = true, .fail_streak = 1};
  EXPECT_TRUE(Decide(Status(404)).verdict.warning);
  history_ = {.tracked = true, .seen = true, .fail_streak = 2};
  EXPECT_FALSE(Decide(Status(404)).verdict.warning);
  options_.fail_after = 1;
  history_ = {.tracked = true};
  EXPECT_FALSE(Decide(Status(404)).verdict.warning) << "N = 1: every failure fails the run";
}

TEST_F(VerdictTest, AStopIsNoVerdictOnTheHistory) {
  options_.fail_after = 10;
  history_ = {.tracked = true, .seen = true, .fail_streak = 5};
  const Result r = Decide(Failure(ErrorKind::kAborted, "aborted"));
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kAborted);
  EXPECT_EQ(r.state.change, Change::kNone);
  EXPECT_FALSE(r.verdict.warning);
}

TEST_F(VerdictTest, AFailureAlreadyInTheBaselineOnlyWarns) {
  in_baseline_ = true;
  Result r = Decide(Status(404));
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_TRUE(r.verdict.warning);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kHttpStatus);
  EXPECT_EQ(r.verdict.error, "HTTP 404");
  EXPECT_TRUE(Decide(Status(503)).verdict.transient) << "still retried like any failure";
  EXPECT_TRUE(Decide(Failure(ErrorKind::kConnect)).verdict.warning);
  EXPECT_TRUE(Decide(Status(200), "status=201").verdict.warning) << "its line's checks too";
  EXPECT_TRUE(Decide(Status(200)).verdict.ok);
  EXPECT_FALSE(Decide(Status(200)).verdict.warning);
  EXPECT_FALSE(Decide(Failure(ErrorKind::kAborted, "aborted")).verdict.warning)
      << "a stop is no verdict";
  // --state still counts its streak, and --fail-after has nothing left to forgive.
  options_.fail_after = 3;
  history_ = {.tracked = true, .seen = true, .fail_streak = 4};
  r = Decide(Status(404));
  EXPECT_TRUE(r.verdict.warning);
  EXPECT_EQ(r.state.fail_runs, 5);
  EXPECT_EQ(r.state.change, Change::kStillFailing);
  in_baseline_ = false;
  EXPECT_FALSE(Decide(Status(404)).verdict.warning) << "a URL new to this change fails";
}

TEST_F(VerdictTest, DecidingAgainStartsAfresh) {
  history_ = {.tracked = true};
  Job job;
  job.history = history_;
  Result r = MakeResult(job);
  r.transfer = Status(200);
  const Judge judge(options_);
  judge.Decide(job, r);
  ASSERT_TRUE(r.verdict.ok);
  r.saved.error = "cannot save 'x': Permission denied";  // -o could not keep the body
  judge.Decide(job, r);
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kSaveFailed);
  EXPECT_EQ(r.state.change, Change::kNewFailure);
  r.saved.error.clear();
  r.saved.skipped = true;
  judge.Decide(job, r);
  EXPECT_TRUE(r.verdict.ok);
  EXPECT_EQ(r.verdict.error, "");
  EXPECT_EQ(r.state.fail_runs, 0);
  EXPECT_EQ(r.state.failing_since_ms, 0);
}

TEST_F(VerdictTest, ABotWallWarnsAndNamesItsProvider) {
  for (long status : {403, 429, 503, 200}) {
    const Result r = Decide(Challenge(status));
    EXPECT_FALSE(r.verdict.ok) << status;
    EXPECT_TRUE(r.verdict.warning) << status;
    EXPECT_EQ(r.verdict.error_kind, ErrorKind::kBlocked);
    EXPECT_EQ(r.verdict.error, "blocked by bot protection (Cloudflare)");
    EXPECT_EQ(r.verdict.blocked_by, "Cloudflare");
    EXPECT_FALSE(r.verdict.transient) << "a robot cannot pass a challenge by asking again";
  }
  TransferFacts plain = Status(403);
  plain.headers = {{"server", "cloudflare"}};
  plain.body_start = "<html><title>403 Forbidden</title></html>";
  const Result r = Decide(plain);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kHttpStatus) << "an ordinary 403 is real breakage";
  EXPECT_FALSE(r.verdict.warning);
  EXPECT_EQ(r.verdict.blocked_by, "");
}

TEST_F(VerdictTest, StrictMakesABotWallFail) {
  options_.strict = true;
  const Result r = Decide(Challenge(403));
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kBlocked);
  EXPECT_FALSE(r.verdict.warning);
  options_.warn = *WarnSpec::Parse("blocked");
  EXPECT_TRUE(Decide(Challenge(403)).verdict.warning) << "--warn blocked still lists it";
  options_.warn = *WarnSpec::Parse("403");
  EXPECT_FALSE(Decide(Challenge(403)).verdict.warning) << "statuses name http_status failures";
}

TEST_F(VerdictTest, ABotWallIsBlockedWhateverAcceptSaysButALinesOwnStatusWins) {
  options_.accept = StatusSet::Parse("200-403");
  EXPECT_EQ(Decide(Challenge(403)).verdict.error_kind, ErrorKind::kBlocked);
  EXPECT_TRUE(Decide(Challenge(403), "status=403").verdict.ok) << "the user expects this 403";
  EXPECT_EQ(Decide(Challenge(403), "status=200").verdict.error_kind, ErrorKind::kBlocked);
  EXPECT_EQ(Decide(Failure(ErrorKind::kTimeout)).verdict.error_kind, ErrorKind::kTimeout);
}

TEST_F(VerdictTest, AFirstPermanentRedirectElsewhereIsMoved) {
  for (long status : {301, 308}) {
    const Result r = DecideUrl("http://h/old", {{status, "http://h/new"}});
    EXPECT_TRUE(r.verdict.ok) << status;
    EXPECT_EQ(r.verdict.relocation, Relocation::kMoved);
    EXPECT_EQ(r.verdict.moved_to, "http://h/new");
    EXPECT_EQ(r.verdict.error, "");
  }
  EXPECT_EQ(DecideUrl("https://a/x", {{301, "https://b/x"}}).verdict.relocation, Relocation::kMoved)
      << "another host";
  EXPECT_EQ(DecideUrl("https://a/x?q=1", {{301, "https://a/x?q=2"}}).verdict.relocation,
            Relocation::kMoved);
  EXPECT_EQ(DecideUrl("http://a:8080/x", {{301, "http://a:8081/x"}}).verdict.relocation,
            Relocation::kMoved)
      << "another port, same scheme";
}

TEST_F(VerdictTest, AnHttpsUpgradeOrATrailingSlashIsOnlyUpgraded) {
  Result r = DecideUrl("http://h/docs", {{301, "https://h/docs"}});
  EXPECT_EQ(r.verdict.relocation, Relocation::kUpgraded);
  EXPECT_EQ(r.verdict.moved_to, "https://h/docs");
  EXPECT_EQ(DecideUrl("https://h/docs", {{301, "https://h/docs/"}}).verdict.relocation,
            Relocation::kUpgraded);
  EXPECT_EQ(DecideUrl("http://H/docs", {{308, "https://h/docs/"}}).verdict.relocation,
            Relocation::kUpgraded)
      << "both at once, host names in any case";
  EXPECT_EQ(DecideUrl("http://h", {{301, "https://h/"}}).verdict.relocation, Relocation::kUpgraded);
  EXPECT_EQ(DecideUrl("http://b\u00fccher.example/x", {{301, "https://xn--bcher-kva.example/x"}})
                .verdict.relocation,
            Relocation::kUpgraded)
      << "an international name as written, and as libcurl asked for it";
  EXPECT_EQ(DecideUrl("http://h:8080/x", {{301, "https://h:8443/x"}}).verdict.relocation,
            Relocation::kUpgraded)
      << "the TLS side may listen on another port";
  EXPECT_EQ(DecideUrl("https://h/docs/", {{301, "https://h/docs"}}).verdict.relocation,
            Relocation::kMoved)
      << "a slash taken away is a move";
  EXPECT_EQ(DecideUrl("https://h/x", {{301, "http://h/x"}}).verdict.relocation, Relocation::kMoved)
      << "a downgrade is a move";
}

TEST_F(VerdictTest, ATemporaryRedirectIsNeverMoved) {
  for (long status : {302, 303, 307}) {
    const Result r = DecideUrl("http://h/a", {{status, "http://h/b"}});
    EXPECT_EQ(r.verdict.relocation, Relocation::kNone) << status;
    EXPECT_EQ(r.verdict.moved_to, "");
  }
  EXPECT_EQ(DecideUrl("http://h/a", {{302, "http://h/b"}, {301, "http://h/c"}}).verdict.relocation,
            Relocation::kNone)
      << "only the first redirect says whether the link moved";
}

TEST_F(VerdictTest, AChainMovesToTheEndOfItsPermanentRun) {
  Result r =
      DecideUrl("http://a/x", {{301, "https://a/x"}, {301, "https://b/y"}, {302, "https://b/z"}});
  EXPECT_EQ(r.verdict.relocation, Relocation::kMoved) << "an upgrade, then a move";
  EXPECT_EQ(r.verdict.moved_to, "https://b/y") << "not where the temporary redirect led";
  r = DecideUrl("http://a/x", {{301, "https://a/x"}, {308, "https://a/x/"}});
  EXPECT_EQ(r.verdict.relocation, Relocation::kUpgraded);
  EXPECT_EQ(r.verdict.moved_to, "https://a/x/");
  EXPECT_EQ(DecideUrl("http://a/x", {{301, "http://a/y"}, {301, "http://a/x"}}).verdict.relocation,
            Relocation::kNone)
      << "a run that comes back";
  r = DecideUrl("http://a/x#part", {{301, "http://b/x"}});
  EXPECT_EQ(r.verdict.moved_to, "http://b/x#part") << "the fragment goes along, as in browsers";
  r = DecideUrl("http://a/x#part", {{301, "http://b/x#other"}});
  EXPECT_EQ(r.verdict.moved_to, "http://b/x#other");
}

TEST_F(VerdictTest, WarnMovedMakesAMoveAWarning) {
  options_.warn = *WarnSpec::Parse("moved");
  Result r = DecideUrl("http://h/old", {{301, "http://h/new"}});
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_TRUE(r.verdict.warning);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kMoved);
  EXPECT_EQ(r.verdict.error, "moved \u2192 http://h/new");
  EXPECT_EQ(r.verdict.moved_to, "http://h/new");
  EXPECT_TRUE(DecideUrl("http://h/docs", {{301, "https://h/docs"}}).verdict.ok) << "upgraded";
  EXPECT_TRUE(DecideUrl("http://h/a", {{307, "http://h/b"}}).verdict.ok);
  const Result failed = Decide(Redirected({{301, "http://h/new"}}, 404));
  EXPECT_EQ(failed.verdict.error_kind, ErrorKind::kHttpStatus) << "a broken link stays broken";
  EXPECT_EQ(failed.verdict.relocation, Relocation::kNone);
}

}  // namespace
}  // namespace fetchpool
