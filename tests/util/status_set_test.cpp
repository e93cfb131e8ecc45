#include "fetchpool/util/status_set.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

TEST(StatusSetTest, ParsesListsAndRanges) {
  std::optional<StatusSet> s = StatusSet::Parse("200-299,304");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->Contains(200));
  EXPECT_TRUE(s->Contains(250));
  EXPECT_TRUE(s->Contains(299));
  EXPECT_TRUE(s->Contains(304));
  EXPECT_FALSE(s->Contains(300));
  EXPECT_FALSE(s->Contains(404));
  EXPECT_TRUE(s->ContainsRedirect());
  EXPECT_EQ(s->text(), "200-299,304");
}

TEST(StatusSetTest, SingleStatus) {
  std::optional<StatusSet> s = StatusSet::Parse("200");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->Contains(200));
  EXPECT_FALSE(s->Contains(201));
  EXPECT_FALSE(s->ContainsRedirect());
}

TEST(StatusSetTest, RejectsNonsense) {
  for (const char* bad :
       {"", ",", "200,", ",200", "abc", "99", "1000", "300-200", "200-", "-5", "200 ,301", "2x0"}) {
    EXPECT_FALSE(StatusSet::Parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace fetchpool
