#include "fetchpool/util/latency_stats.hpp"

#include <gtest/gtest.h>

#include <random>

namespace fetchpool {
namespace {

using std::chrono::microseconds;

TEST(LatencyStatsTest, EmptyReportsZero) {
  LatencyStats s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.PercentileMs(0.5), 0);
  EXPECT_EQ(s.MaxMs(), 0);
}

TEST(LatencyStatsTest, SmallValuesAreExact) {
  LatencyStats s;
  for (int us = 1; us <= 100; ++us) s.Add(microseconds(us));
  EXPECT_DOUBLE_EQ(s.PercentileMs(0.5), 0.050);
  EXPECT_DOUBLE_EQ(s.PercentileMs(0.9), 0.090);
  EXPECT_DOUBLE_EQ(s.PercentileMs(1.0), 0.100);
  EXPECT_DOUBLE_EQ(s.MaxMs(), 0.100);
}

TEST(LatencyStatsTest, LargeValuesAreWithinTwoPercent) {
  LatencyStats s;
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(10.0, 1.5);  // median ~22 ms, long tail
  std::vector<std::int64_t> values;
  for (int i = 0; i < 100000; ++i) {
    values.push_back(static_cast<std::int64_t>(dist(rng)));
    s.Add(microseconds(values.back()));
  }
  std::sort(values.begin(), values.end());
  for (double f : {0.5, 0.9, 0.99}) {
    const double exact =
        static_cast<double>(values[static_cast<std::size_t>(f * 100000) - 1]) / 1000;
    EXPECT_NEAR(s.PercentileMs(f), exact, exact * 0.02) << f;
  }
  EXPECT_DOUBLE_EQ(s.MaxMs(), static_cast<double>(values.back()) / 1000);
}

TEST(LatencyStatsTest, HugeAndNegativeValuesDoNotBreakIt) {
  LatencyStats s;
  s.Add(microseconds(-5));
  s.Add(microseconds(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(s.count(), 2u);
  EXPECT_EQ(s.PercentileMs(0.5), 0);
  EXPECT_GT(s.MaxMs(), 1e12);
}

}  // namespace
}  // namespace fetchpool
