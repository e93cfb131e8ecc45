#include "fetchpool/core/url_history.hpp"

#include <gtest/gtest.h>

#include "fetchpool/core/job.hpp"

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
  r.ok = false;
  r.error_kind = ErrorKind::kHttpStatus;
  return r;
}

TEST(UrlHistoryTest, UntrackedResultsAreLeftAlone) {
  Result r = Failed();
  ApplyHistory(Job{}, r);
  EXPECT_EQ(r.change, Change::kNone);
  EXPECT_FALSE(r.warning);
}

TEST(UrlHistoryTest, NewStillFailingRecovered) {
  Result unseen = Failed();
  ApplyHistory(Tracked(false, false, 0), unseen);
  EXPECT_EQ(unseen.change, Change::kNewFailure);
  EXPECT_EQ(unseen.fail_runs, 1);

  Result was_ok = Failed();
  ApplyHistory(Tracked(true, true, 0), was_ok);
  EXPECT_EQ(was_ok.change, Change::kNewFailure);

  Result still = Failed();
  ApplyHistory(Tracked(true, false, 2), still);
  EXPECT_EQ(still.change, Change::kStillFailing);
  EXPECT_EQ(still.fail_runs, 3);
  EXPECT_EQ(still.failing_since_ms, 86400000);

  Result back;
  back.ok = true;
  ApplyHistory(Tracked(true, false, 2), back);
  EXPECT_EQ(back.change, Change::kRecovered);
  EXPECT_EQ(back.fail_runs, 0);

  Result steady;
  steady.ok = true;
  ApplyHistory(Tracked(true, true, 0), steady);
  EXPECT_EQ(steady.change, Change::kNone);
  EXPECT_STREQ(ChangeName(Change::kStillFailing), "still_failing");
  EXPECT_EQ(ChangeName(Change::kNone), nullptr);
}

TEST(UrlHistoryTest, FailAfterForgivesUntilTheNthRunInARow) {
  Result first = Failed();
  ApplyHistory(Tracked(false, false, 0, 3), first);
  EXPECT_TRUE(first.warning);
  Result second = Failed();
  ApplyHistory(Tracked(true, false, 1, 3), second);
  EXPECT_TRUE(second.warning);
  Result third = Failed();
  ApplyHistory(Tracked(true, false, 2, 3), third);
  EXPECT_FALSE(third.warning);
  Result plain = Failed();
  ApplyHistory(Tracked(false, false, 0, 1), plain);
  EXPECT_FALSE(plain.warning) << "N = 1 is today's behaviour";
}

TEST(UrlHistoryTest, AbortedIsNoVerdict) {
  Result r = Failed();
  r.error_kind = ErrorKind::kAborted;
  ApplyHistory(Tracked(true, false, 5, 10), r);
  EXPECT_EQ(r.change, Change::kNone);
  EXPECT_FALSE(r.warning);
}

}  // namespace
}  // namespace fetchpool
