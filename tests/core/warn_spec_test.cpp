// --warn SPEC: what it parses and what it lists (the verdict's --warn rule asks it).
#include "fetchpool/core/warn_spec.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

TEST(WarnSpecTest, ParsesStatusesRangesClassesAndKinds) {
  const std::optional<WarnSpec> spec = WarnSpec::Parse("403,429,5xx,500-504,timeout,check-failed");
  ASSERT_TRUE(spec);
  EXPECT_TRUE(spec->Lists(ErrorKind::kHttpStatus, 403));
  EXPECT_TRUE(spec->Lists(ErrorKind::kHttpStatus, 503));
  EXPECT_TRUE(spec->Lists(ErrorKind::kHttpStatus, 599));
  EXPECT_FALSE(spec->Lists(ErrorKind::kHttpStatus, 404));
  EXPECT_TRUE(spec->Lists(ErrorKind::kTimeout, 0));
  EXPECT_TRUE(spec->Lists(ErrorKind::kCheckFailed, 200));
  EXPECT_FALSE(spec->Lists(ErrorKind::kConnect, 0));
  // JSON names and rule ids both work, in any case.
  for (const char* text :
       {"connect", "connection", "CONNECTION", "check_failed", "5XX", "http-status"}) {
    EXPECT_TRUE(WarnSpec::Parse(text)) << text;
  }
  EXPECT_TRUE(WarnSpec::Parse("connect")->Lists(ErrorKind::kConnect, 0));
  EXPECT_TRUE(WarnSpec().empty());
}

TEST(WarnSpecTest, RejectsWhatIsNeitherStatusNorKind) {
  for (const char* text : {"", ",", "403,", "timeout,,403", "99", "1000", "6xy", "x5x", "5xxx",
                           "time-out", "aborted", "none", "504-500", "ok"}) {
    EXPECT_FALSE(WarnSpec::Parse(text)) << text;
  }
}

TEST(WarnSpecTest, StatusesOnlyListHttpStatusFailuresSoALinesStatusCheckWins) {
  const WarnSpec spec = *WarnSpec::Parse("403");
  // With status=200 on its line, a 403 fails the check, not --accept: the line's check wins.
  EXPECT_FALSE(spec.Lists(ErrorKind::kCheckFailed, 403));
  EXPECT_FALSE(spec.Lists(ErrorKind::kTimeout, 403));
}

}  // namespace
}  // namespace fetchpool
