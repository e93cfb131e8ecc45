#include "fetchpool/output/run_stats.hpp"

#include <gtest/gtest.h>

#include "fetchpool/output/stats_report.hpp"

namespace fetchpool {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

Result Make(std::string url, milliseconds elapsed, long status, bool ok = true,
            ErrorKind kind = ErrorKind::kNone) {
  Result r;
  r.origin.url = std::move(url);
  r.transfer.elapsed = elapsed;
  r.transfer.http_status = status;
  r.verdict.ok = ok;
  r.verdict.error_kind = kind;
  return r;
}

TEST(RunStatsTest, FixedLogScaleBucketsIncludeTheirUpperBound) {
  EXPECT_EQ(RunStats::BucketOf(microseconds(0)), 0u);
  EXPECT_EQ(RunStats::BucketOf(milliseconds(1)), 0u);
  EXPECT_EQ(RunStats::BucketOf(microseconds(1001)), 1u);
  EXPECT_EQ(RunStats::BucketOf(milliseconds(5)), 2u);
  EXPECT_EQ(RunStats::BucketOf(milliseconds(999)), 9u);
  EXPECT_EQ(RunStats::BucketOf(milliseconds(60000)), 14u);
  EXPECT_EQ(RunStats::BucketOf(milliseconds(60001)), 15u);
  EXPECT_EQ(RunStats::BucketLabel(0), "1ms");
  EXPECT_EQ(RunStats::BucketLabel(9), "1s");
  EXPECT_EQ(RunStats::BucketLabel(14), "60s");
  EXPECT_EQ(RunStats::BucketLabel(15), "60s+");
}

TEST(RunStatsTest, CountsStatusesKindsAndKeepsTheFiveSlowest) {
  RunStats stats;
  for (int i = 0; i < 100; ++i) stats.Add(Make("u" + std::to_string(i), milliseconds(i), 200));
  stats.Add(Make("missing", milliseconds(3), 404, false, ErrorKind::kHttpStatus));
  stats.Add(Make("t1", milliseconds(5000), 0, false, ErrorKind::kTimeout));
  stats.Add(Make("t2", milliseconds(5001), 0, false, ErrorKind::kTimeout));
  const auto statuses = stats.Statuses();
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[0], (std::pair<int, std::uint64_t>{200, 100}));
  EXPECT_EQ(statuses[1], (std::pair<int, std::uint64_t>{404, 1}));
  EXPECT_EQ(stats.no_status(), 2u);
  const auto kinds = stats.Kinds();
  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds[0].first, ErrorKind::kTimeout);
  EXPECT_EQ(kinds[0].second, 2u);
  const auto slowest = stats.Slowest();
  ASSERT_EQ(slowest.size(), 5u);
  EXPECT_EQ(slowest[0].url, "t2");
  EXPECT_EQ(slowest[1].url, "t1");
  EXPECT_EQ(slowest[2].url, "u99");
  EXPECT_EQ(slowest[4].url, "u97");
  std::uint64_t total = 0;
  for (std::uint64_t n : stats.buckets()) total += n;
  EXPECT_EQ(total, 103u);
}

TEST(RunStatsTest, CountsWallsByProviderAndMovedLinks) {
  RunStats stats;
  Result wall = Make("w", milliseconds(1), 403, false, ErrorKind::kBlocked);
  wall.verdict.warning = true;
  wall.verdict.blocked_by = "Akamai";
  stats.Add(wall);
  wall.verdict.blocked_by = "Cloudflare";
  stats.Add(wall);
  stats.Add(wall);
  Result moved = Make("m", milliseconds(1), 200);
  moved.verdict.relocation = Relocation::kMoved;
  stats.Add(moved);
  moved.verdict.relocation = Relocation::kUpgraded;
  stats.Add(moved);
  stats.Add(moved);
  const auto walls = stats.BlockedBy();
  ASSERT_EQ(walls.size(), 2u);
  EXPECT_EQ(walls[0], (std::pair<std::string, std::uint64_t>{"Cloudflare", 2}));
  EXPECT_EQ(walls[1], (std::pair<std::string, std::uint64_t>{"Akamai", 1}));
  EXPECT_EQ(stats.moved(), 1u);
  EXPECT_EQ(stats.upgraded(), 2u);
  const std::string text = FormatStats(stats, {.unicode = false, .color = false, .width = 80});
  EXPECT_NE(text.find("Failures:  blocked by bot protection x3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Blocked by:  Cloudflare x2  Akamai x1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Redirects:  moved x1  upgraded x2\n"), std::string::npos) << text;
}

TEST(StatsReportTest, AsciiHistogramScalesToTheWidthAndLeavesOutEmptyEnds) {
  RunStats stats;
  for (int i = 0; i < 40; ++i) stats.Add(Make("a", milliseconds(15), 200));
  for (int i = 0; i < 10; ++i) stats.Add(Make("b", milliseconds(150), 200));
  stats.Add(Make("http://x/\x1b[2J", milliseconds(3000), 503, false, ErrorKind::kHttpStatus));
  const std::string text = FormatStats(stats, {.unicode = false, .color = false, .width = 60});
  EXPECT_NE(text.find("Latency histogram:\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("<=10ms"), std::string::npos) << "empty buckets at the ends are left out";
  EXPECT_NE(text.find("<=20ms"), std::string::npos);
  EXPECT_NE(text.find("<=50ms"), std::string::npos) << "empty buckets inside stay";
  EXPECT_NE(text.find("<=5s"), std::string::npos);
  EXPECT_EQ(text.find("<=10s"), std::string::npos);
  EXPECT_EQ(text.find("█"), std::string::npos);
  std::istringstream lines(text);
  std::string line;
  std::size_t widest = 0;
  while (std::getline(lines, line)) {
    if (line.find('#') != std::string::npos) widest = std::max(widest, line.size());
    EXPECT_LE(line.size(), 60u) << line;
  }
  EXPECT_GE(widest, 55u) << "the longest bar fills the width";
  EXPECT_NE(text.find("Statuses:  200 x50  503 x1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Failures:  HTTP status x1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Slowest:\n      3000ms  http://x/\\x1b[2J\n"), std::string::npos) << text;
}

TEST(StatsReportTest, UnicodeUsesBlocksAndColourOnlyWhenAsked) {
  RunStats stats;
  stats.Add(Make("a", milliseconds(1), 200));
  stats.Add(Make("b", milliseconds(2), 200));
  stats.Add(Make("c", milliseconds(2), 200));
  const std::string plain = FormatStats(stats, {.unicode = true, .color = false, .width = 80});
  EXPECT_NE(plain.find("█"), std::string::npos) << plain;
  EXPECT_NE(plain.find("≤1ms"), std::string::npos) << plain;
  EXPECT_NE(plain.find("200 ×3"), std::string::npos) << plain;
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  const std::string colored = FormatStats(stats, {.unicode = true, .color = true, .width = 80});
  EXPECT_NE(colored.find("\x1b[36m"), std::string::npos);
}

TEST(StatsReportTest, BarsReportTheColumnsTheyTake) {
  std::string bar;
  EXPECT_EQ(AppendBar(bar, 0, true), 0);
  EXPECT_EQ(AppendBar(bar, 0.01, false), 1) << "a non-zero count always shows";
  bar.clear();
  EXPECT_EQ(AppendBar(bar, 2.5, true), 3);
  EXPECT_EQ(bar, "██▌");
  bar.clear();
  EXPECT_EQ(AppendBar(bar, 3, false), 3);
  EXPECT_EQ(bar, "###");
}

}  // namespace
}  // namespace fetchpool
