// --warn SPEC: what it parses and which final results it makes warnings (issue 13).
#include "fetchpool/core/warn_spec.hpp"

#include <gtest/gtest.h>

#include "ci_report_samples.hpp"

namespace fetchpool {
namespace {

TEST(WarnSpecTest, ParsesStatusesRangesClassesAndKinds) {
  const std::optional<WarnSpec> spec = WarnSpec::Parse("403,429,5xx,500-504,timeout,check-failed");
  ASSERT_TRUE(spec);
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kHttpStatus, "HTTP 403")));
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kHttpStatus, "HTTP 503")));
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kHttpStatus, "HTTP 599")));
  EXPECT_FALSE(spec->Applies(Failure("u", ErrorKind::kHttpStatus, "HTTP 404")));
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kTimeout, "timed out after 1s")));
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kCheckFailed, "check max-ms=1 failed")));
  EXPECT_FALSE(spec->Applies(Failure("u", ErrorKind::kConnect, "connection refused")));
  // JSON names and rule ids both work, in any case.
  for (const char* text :
       {"connect", "connection", "CONNECTION", "check_failed", "5XX", "http-status"}) {
    EXPECT_TRUE(WarnSpec::Parse(text)) << text;
  }
  EXPECT_TRUE(WarnSpec::Parse("connect")->Applies(Failure("u", ErrorKind::kConnect, "refused")));
}

TEST(WarnSpecTest, RejectsWhatIsNeitherStatusNorKind) {
  for (const char* text : {"", ",", "403,", "timeout,,403", "99", "1000", "6xy", "x5x", "5xxx",
                           "time-out", "aborted", "none", "504-500", "ok"}) {
    EXPECT_FALSE(WarnSpec::Parse(text)) << text;
  }
}

TEST(WarnSpecTest, StatusesOnlyMatchHttpStatusFailuresSoALinesStatusCheckWins) {
  const WarnSpec spec = *WarnSpec::Parse("403");
  // With status=200 on its line, a 403 fails the check, not --accept: the line's check wins.
  Result checked = Failure("u", ErrorKind::kCheckFailed, "check status=200 failed: got 403");
  checked.transfer.http_status = 403;
  EXPECT_FALSE(spec.Applies(checked));
  Result ok = Ok("u", 1ms);
  ok.transfer.http_status = 403;  // e.g. status=403 on the line: ok, nothing to warn about
  EXPECT_FALSE(spec.Applies(ok));
  Result aborted = Failure("u", ErrorKind::kAborted, "aborted");
  EXPECT_FALSE(WarnSpec::Parse("403,timeout,other")->Applies(aborted));
}

TEST(WarnSpecTest, ApplyingKeepsAWarningAnotherRuleMade) {
  Result r = Failure("u", ErrorKind::kHttpStatus, "HTTP 500");
  r.verdict.warning = true;  // --fail-after's, say
  ApplyWarnSpec(*WarnSpec::Parse("404"), r);
  EXPECT_TRUE(r.verdict.warning);
  Result s = Failure("u", ErrorKind::kHttpStatus, "HTTP 404");
  ApplyWarnSpec(*WarnSpec::Parse("404"), s);
  EXPECT_TRUE(s.verdict.warning);
  ApplyWarnSpec(WarnSpec(), s);
  EXPECT_TRUE(s.verdict.warning);
}

}  // namespace
}  // namespace fetchpool
