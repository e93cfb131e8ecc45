#include "fetchpool/util/units.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

TEST(ParseByteSizeTest, PlainAndSuffixed) {
  EXPECT_EQ(ParseByteSize("1"), 1u);
  EXPECT_EQ(ParseByteSize("500"), 500u);
  EXPECT_EQ(ParseByteSize("500B"), 500u);
  EXPECT_EQ(ParseByteSize("64K"), 64u * 1024);
  EXPECT_EQ(ParseByteSize("64k"), 64u * 1024);
  EXPECT_EQ(ParseByteSize("64KB"), 64u * 1024);
  EXPECT_EQ(ParseByteSize("64KiB"), 64u * 1024);
  EXPECT_EQ(ParseByteSize("10M"), 10u * 1024 * 1024);
  EXPECT_EQ(ParseByteSize("10mb"), 10u * 1024 * 1024);
  EXPECT_EQ(ParseByteSize("1.5M"), 1572864u);
  EXPECT_EQ(ParseByteSize("2G"), 2ull * 1024 * 1024 * 1024);
}

TEST(ParseByteSizeTest, RejectsNonsense) {
  for (const char* bad : {"", "0", "0K", "K", "-1", "1T", "10 M", " 10", "1e3", "inf", "nan",
                          "0x10", "1.2.3", "99999999999G", "10MBB"}) {
    EXPECT_FALSE(ParseByteSize(bad)) << bad;
  }
}

TEST(ParseRateTest, PerSecondMinuteHour) {
  EXPECT_EQ(ParseRate("10"), 100ms);
  EXPECT_EQ(ParseRate("10/s"), 100ms);
  EXPECT_EQ(ParseRate("4/S"), 250ms);
  EXPECT_EQ(ParseRate("30/m"), 2s);
  EXPECT_EQ(ParseRate("2/h"), 1800s);
  EXPECT_EQ(ParseRate("0.5/s"), 2s);
}

TEST(ParseRateTest, RejectsNonsense) {
  for (const char* bad :
       {"", "0", "0/s", "-1/s", "10/", "10/d", "10/sec", "/s", "fast", "1e9", "10000000/s"}) {
    EXPECT_FALSE(ParseRate(bad)) << bad;
  }
}

TEST(ParseDurationTest, SecondsMinutesHoursDays) {
  EXPECT_EQ(ParseDuration("90s"), 90s);
  EXPECT_EQ(ParseDuration("90"), 90s);
  EXPECT_EQ(ParseDuration("30m"), 30min);
  EXPECT_EQ(ParseDuration("6h"), 6h);
  EXPECT_EQ(ParseDuration("2d"), 48h);
}

TEST(ParseDurationTest, RejectsNonsense) {
  for (const char* bad : {"", "0", "0s", "-1s", "1.5h", "5y", "h", "1hm", "99999999999999d"}) {
    EXPECT_FALSE(ParseDuration(bad)) << bad;
  }
}

}  // namespace
}  // namespace fetchpool
