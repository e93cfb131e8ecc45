#include "fetchpool/util/delay_queue.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(DelayQueueTest, HandsOutNothingBeforeItsTime) {
  DelayQueue<std::string> q;
  const Clock::time_point t0 = Clock::now();
  EXPECT_FALSE(q.NextDue());
  EXPECT_FALSE(q.PopDue(t0));
  q.Push(t0 + 10s, "later");
  EXPECT_EQ(q.NextDue(), t0 + 10s);
  EXPECT_FALSE(q.PopDue(t0 + 9s));
  EXPECT_EQ(q.PopDue(t0 + 10s), "later");
  EXPECT_TRUE(q.empty());
}

TEST(DelayQueueTest, EarliestFirstWhateverThePushOrder) {
  DelayQueue<int> q;
  const Clock::time_point t0 = Clock::now();
  for (int s : {5, 1, 4, 2, 3}) q.Push(t0 + std::chrono::seconds(s), s);
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q.NextDue(), t0 + 1s);
  for (int want = 1; want <= 5; ++want) EXPECT_EQ(q.PopDue(t0 + 1h), want);
}

TEST(DelayQueueTest, EqualTimesComeOutInPushOrder) {
  DelayQueue<int> q;
  const Clock::time_point t = Clock::now();
  for (int i = 0; i < 20; ++i) q.Push(t, i);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(q.PopDue(t), i);
}

TEST(DelayQueueTest, TakeAllEmptiesItEarliestFirst) {
  DelayQueue<std::unique_ptr<int>> q;  // move-only items work
  const Clock::time_point t0 = Clock::now();
  q.Push(t0 + 3s, std::make_unique<int>(3));
  q.Push(t0 + 1s, std::make_unique<int>(1));
  q.Push(t0 + 2s, std::make_unique<int>(2));
  std::vector<std::unique_ptr<int>> all = q.TakeAll();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(*all[0], 1);
  EXPECT_EQ(*all[1], 2);
  EXPECT_EQ(*all[2], 3);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.NextDue());
}

}  // namespace
}  // namespace fetchpool
