#include "fetchpool/hosts/adaptive_limit.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
const Clock::time_point t0 = Clock::time_point{} + 1000h;

TEST(AdaptiveLimitTest, StartsAtTheMost) {
  EXPECT_EQ(AdaptiveLimit(16, true).value(), 16);
  EXPECT_EQ(AdaptiveLimit(0, true).value(), 1);
}

TEST(AdaptiveLimitTest, HalvesDownToOne) {
  AdaptiveLimit limit(16, true);
  Clock::time_point now = t0;
  for (const int expected : {8, 4, 2, 1, 1}) {
    now += 1s;
    limit.OnThrottled(now, now);
    EXPECT_EQ(limit.value(), expected);
  }
}

TEST(AdaptiveLimitTest, RoundsHalvesUp) {
  AdaptiveLimit limit(3, true);
  EXPECT_TRUE(limit.OnThrottled(t0, t0));
  EXPECT_EQ(limit.value(), 2);
}

TEST(AdaptiveLimitTest, RequestsSentBeforeTheCutDoNotCutAgain) {
  AdaptiveLimit limit(16, true);
  EXPECT_TRUE(limit.OnThrottled(t0, t0 + 10ms));
  EXPECT_FALSE(limit.OnThrottled(t0, t0 + 11ms));
  EXPECT_FALSE(limit.OnThrottled(t0 + 5ms, t0 + 12ms));
  EXPECT_EQ(limit.value(), 8);
  EXPECT_TRUE(limit.OnThrottled(t0 + 20ms, t0 + 30ms));
  EXPECT_EQ(limit.value(), 4);
}

TEST(AdaptiveLimitTest, GrowsByOneAfterARunOfSuccesses) {
  AdaptiveLimit limit(16, true);
  limit.OnThrottled(t0, t0);
  limit.OnThrottled(t0 + 1s, t0 + 1s);
  ASSERT_EQ(limit.value(), 4);
  for (int i = 1; i < AdaptiveLimit::kMinRun; ++i) EXPECT_FALSE(limit.OnSuccess());
  EXPECT_TRUE(limit.OnSuccess());
  EXPECT_EQ(limit.value(), 5);
}

TEST(AdaptiveLimitTest, TroubleStartsTheRunOver) {
  AdaptiveLimit limit(4, true);
  limit.OnThrottled(t0, t0);
  for (int i = 1; i < AdaptiveLimit::kMinRun; ++i) limit.OnSuccess();
  limit.OnTrouble();
  EXPECT_FALSE(limit.OnSuccess());
  EXPECT_EQ(limit.value(), 2);
}

TEST(AdaptiveLimitTest, NeverAboveTheMost) {
  AdaptiveLimit limit(2, true);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limit.OnSuccess());
  EXPECT_EQ(limit.value(), 2);
}

TEST(AdaptiveLimitTest, BigLimitsGrowByAboutOnePerRound) {
  AdaptiveLimit limit(64, true);
  limit.OnThrottled(t0, t0);
  ASSERT_EQ(limit.value(), 32);
  for (int i = 1; i < 32; ++i) EXPECT_FALSE(limit.OnSuccess());
  EXPECT_TRUE(limit.OnSuccess());
}

TEST(AdaptiveLimitTest, OffStaysAtTheMost) {
  AdaptiveLimit limit(8, false);
  EXPECT_FALSE(limit.OnThrottled(t0, t0));
  EXPECT_EQ(limit.value(), 8);
}

}  // namespace
}  // namespace fetchpool
