// libcurl's phase marks (each from the start of the attempt, as curl -w gives them) turned into
// each phase's own duration, for --stats and the HTML report's bars.
#include <gtest/gtest.h>

#include "fetchpool/core/result.hpp"

namespace fetchpool {
namespace {

TEST(PhaseDurationsTest, EachPhaseFromTheEndOfTheOneBefore) {
  const PhaseTimings t{
      .dns_ms = 2, .connect_ms = 5, .tls_ms = 15, .first_byte_ms = 40, .total_ms = 50};
  const PhaseDurations d = t.Durations();
  EXPECT_DOUBLE_EQ(d.dns, 2);
  EXPECT_DOUBLE_EQ(d.connect, 3);
  EXPECT_DOUBLE_EQ(d.tls, 10);
  EXPECT_DOUBLE_EQ(d.first_byte, 25);
  EXPECT_DOUBLE_EQ(d.transfer, 10);
}

TEST(PhaseDurationsTest, AReusedConnectionHasNoConnectOrTls) {
  // libcurl reports 0 for phases that did not happen.
  const PhaseTimings t{
      .dns_ms = 0, .connect_ms = 0, .tls_ms = 0, .first_byte_ms = 8, .total_ms = 9};
  const PhaseDurations d = t.Durations();
  EXPECT_DOUBLE_EQ(d.dns, 0);
  EXPECT_DOUBLE_EQ(d.connect, 0);
  EXPECT_DOUBLE_EQ(d.tls, 0);
  EXPECT_DOUBLE_EQ(d.first_byte, 8);
  EXPECT_DOUBLE_EQ(d.transfer, 1);
}

TEST(PhaseDurationsTest, DaysLeftRoundsDownAndGoesNegative) {
  using namespace std::chrono_literals;
  const auto now = std::chrono::system_clock::time_point{} + 1000 * 24h;
  EXPECT_EQ(DaysLeft(now + 3 * 24h - 1s, now), 2);
  EXPECT_EQ(DaysLeft(now + 3 * 24h, now), 3);
  EXPECT_EQ(DaysLeft(now + 1h, now), 0);
  EXPECT_EQ(DaysLeft(now - 1h, now), -1);
}

}  // namespace
}  // namespace fetchpool
