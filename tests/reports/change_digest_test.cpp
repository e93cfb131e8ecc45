#include "fetchpool/reports/change_digest.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

Result WithChange(std::string url, Change change, bool ok) {
  Result r;
  r.origin.url = std::move(url);
  r.verdict.ok = ok;
  r.verdict.error = ok ? "" : "HTTP 500";
  r.state.change = change;
  return r;
}

TEST(ChangeDigestTest, KeepsTheFirstRowsOfEachKindAndCountsThemAll) {
  ChangeDigest d(2);
  for (int i = 0; i < 5; ++i)
    d.Add(WithChange("n" + std::to_string(i), Change::kNewFailure, false));
  d.Add(WithChange("r0", Change::kRecovered, true));
  d.Add(WithChange("s0", Change::kStillFailing, false));
  d.Add(WithChange("s1", Change::kStillFailing, false));
  d.Add(WithChange("same", Change::kNone, true));
  EXPECT_EQ(d.new_failure_count(), 5u);
  ASSERT_EQ(d.new_failures().size(), 2u);
  EXPECT_EQ(d.new_failures()[1].url, "n1");
  EXPECT_EQ(d.new_failures()[0].reason, "HTTP 500");
  EXPECT_EQ(d.recovered_count(), 1u);
  EXPECT_EQ(d.recovered()[0].reason, "") << "a recovered URL has no reason";
  EXPECT_EQ(d.still_failing_count(), 2u);
}

}  // namespace
}  // namespace fetchpool
