#include "fetchpool/core/url_history.hpp"

#include <gtest/gtest.h>

#include "fetchpool/core/result.hpp"

namespace fetchpool {
namespace {

Job Tracked(bool seen, bool last_ok, int streak, int fail_after = 1) {
  Job job;
  job.history = {.tracked = true,
                 .seen = seen,
                 .last_ok = last_ok,
                 .fail_streak = streak,
                 .failing_since_ms = 86400000,
                 .fail_after = fail_after};
  return job;
}

Result Failed() {
  Result r;
  r.verdict.ok = false;
  r.verdict.error_kind = ErrorKind::kHttpStatus;
  return r;
}

TEST(UrlHistoryTest, UntrackedResultsAreLeftAlone) {
  Result r = Failed();
  ApplyHistory(Job{}, r);
  EXPECT_EQ(r.state.change, Change::kNone);
  EXPECT_FALSE(r.verdict.warning);
}

TEST(UrlHistoryTest, NewStillFailingRecovered) {
  Result unseen = Failed();
  ApplyHistory(Tracked(false, false, 0), unseen);
  EXPECT_EQ(unseen.state.change, Change::kNewFailure);
  EXPECT_EQ(unseen.state.fail_runs, 1);

  Result was_ok = Failed();
  ApplyHistory(Tracked(true, true, 0), was_ok);
  EXPECT_EQ(was_ok.state.change, Change::kNewFailure);

  Result still = Failed();
  ApplyHistory(Tracked(true, false, 2), still);
  EXPECT_EQ(still.state.change, Change::kStillFailing);
  EXPECT_EQ(still.state.fail_runs, 3);
  EXPECT_EQ(still.state.failing_since_ms, 86400000);

  Result back;
  back.verdict.ok = true;
  ApplyHistory(Tracked(true, false, 2), back);
  EXPECT_EQ(back.state.change, Change::kRecovered);
  EXPECT_EQ(back.state.fail_runs, 0);

  Result steady;
  steady.verdict.ok = true;
  ApplyHistory(Tracked(true, true, 0), steady);
  EXPECT_EQ(steady.state.change, Change::kNone);
  EXPECT_STREQ(ChangeName(Change::kStillFailing), "still_failing");
  EXPECT_EQ(ChangeName(Change::kNone), nullptr);
}

TEST(UrlHistoryTest, FailAfterForgivesUntilTheNthRunInARow) {
  Result first = Failed();
  ApplyHistory(Tracked(false, false, 0, 3), first);
  EXPECT_TRUE(first.verdict.warning);
  Result second = Failed();
  ApplyHistory(Tracked(true, false, 1, 3), second);
  EXPECT_TRUE(second.verdict.warning);
  Result third = Failed();
  ApplyHistory(Tracked(true, false, 2, 3), third);
  EXPECT_FALSE(third.verdict.warning);
  Result plain = Failed();
  ApplyHistory(Tracked(false, false, 0, 1), plain);
  EXPECT_FALSE(plain.verdict.warning) << "N = 1 is today's behaviour";
}

TEST(UrlHistoryTest, AbortedIsNoVerdict) {
  Result r = Failed();
  r.verdict.error_kind = ErrorKind::kAborted;
  ApplyHistory(Tracked(true, false, 5, 10), r);
  EXPECT_EQ(r.state.change, Change::kNone);
  EXPECT_FALSE(r.verdict.warning);
}

}  // namespace
}  // namespace fetchpool
