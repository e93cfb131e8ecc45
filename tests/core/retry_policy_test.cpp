#include "fetchpool/core/retry_policy.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

// A failure the verdict called `transient` (or not), after `attempts` attempts.
Result Failed(bool transient, int attempts = 1) {
  Result r;
  r.verdict.error_kind = ErrorKind::kHttpStatus;
  r.verdict.transient = transient;
  r.transfer.attempts = attempts;
  return r;
}

TEST(ParseRetryAfterTest, DeltaSeconds) {
  EXPECT_EQ(ParseRetryAfter("120", 0), 120s);
  EXPECT_EQ(ParseRetryAfter(" 3\r\n", 0), 3s);
  EXPECT_EQ(ParseRetryAfter("0", 0), 0s);
  // Absurd values are clamped rather than overflowing; the caller's cap applies anyway.
  const auto huge = ParseRetryAfter("99999999999999999999999999", 0);
  ASSERT_TRUE(huge);
  EXPECT_GT(*huge, 24h);
}

TEST(ParseRetryAfterTest, HttpDateInAllThreeForms) {
  // 1994-11-06 08:49:37 UTC
  const std::time_t date = 784111777;
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", date - 30), 30s);
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", date - 5), 5s);
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:37 1994", date - 1), 1s);
}

TEST(ParseRetryAfterTest, PastDateMeansNoWait) {
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 100), 0s);
}

TEST(ParseRetryAfterTest, RejectsGarbage) {
  EXPECT_FALSE(ParseRetryAfter("", 0));
  EXPECT_FALSE(ParseRetryAfter("   ", 0));
  EXPECT_FALSE(ParseRetryAfter("soon", 0));
  EXPECT_FALSE(ParseRetryAfter("-5", 0));
  EXPECT_FALSE(ParseRetryAfter("1.5", 0));
}

TEST(BackoffTest, CeilingDoublesUpToTheCap) {
  // unit just below 1 shows the ceiling; unit 0 the floor of full jitter.
  const double top = 0.999999;
  EXPECT_NEAR(Backoff(1, 100ms, 10s, top).count(), 100, 1);
  EXPECT_NEAR(Backoff(2, 100ms, 10s, top).count(), 200, 1);
  EXPECT_NEAR(Backoff(4, 100ms, 10s, top).count(), 800, 1);
  EXPECT_NEAR(Backoff(30, 100ms, 10s, top).count(), 10000, 1);
  EXPECT_NEAR(Backoff(1000000, 100ms, 10s, top).count(), 10000, 1);
  EXPECT_EQ(Backoff(5, 100ms, 10s, 0.0), 0ms);
  EXPECT_EQ(Backoff(3, 100ms, 10s, 0.5), 200ms);
  EXPECT_EQ(Backoff(1, 5s, 1s, top).count(), 999) << "the base is capped too";
}

TEST(RetryDelayTest, StopsAfterTheLastRetry) {
  const RetryOptions options{.retries = 2, .wait_s = 1, .max_wait_s = 60};
  EXPECT_TRUE(RetryDelay(options, Failed(true, 1), 0.5));
  EXPECT_TRUE(RetryDelay(options, Failed(true, 2), 0.5));
  EXPECT_FALSE(RetryDelay(options, Failed(true, 3), 0.5));
  EXPECT_FALSE(RetryDelay({}, Failed(true), 0.5)) << "default: no retries";
}

TEST(RetryDelayTest, RetriesOnlyWhatTheVerdictCallsTransient) {
  const RetryOptions options{.retries = 5};
  EXPECT_FALSE(RetryDelay(options, Failed(false), 0.5));
  Result ok;
  ok.verdict.ok = true;
  EXPECT_FALSE(RetryDelay(options, ok, 0.5));
}

TEST(RetryDelayTest, RetryAfterWinsOverBackoffButIsCapped) {
  const RetryOptions options{.retries = 3, .wait_s = 0.1, .max_wait_s = 5};
  Result r = Failed(true);
  r.transfer.retry_after = 2s;
  EXPECT_EQ(RetryDelay(options, r, 0.0), 2000ms);
  r.transfer.retry_after = 3600s;
  EXPECT_EQ(RetryDelay(options, r, 0.0), 5000ms);
  r.transfer.retry_after.reset();
  EXPECT_EQ(RetryDelay(options, r, 0.5), 50ms);
}

}  // namespace
}  // namespace fetchpool
