#include "fetchpool/engine/pacer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "support/manual_clock.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using testing::ManualClock;

TEST(PacerTest, FirstStartAtOnceThenEvenlySpaced) {
  ManualClock clock;
  Pacer pacer(100ms, clock);
  const Clock::time_point t0 = clock.Now();
  EXPECT_EQ(pacer.Reserve(), t0) << "no wait before the first request";
  EXPECT_EQ(pacer.Reserve(), t0 + 100ms);
  EXPECT_EQ(pacer.Reserve(), t0 + 200ms) << "no burst: each start takes the next slot";
}

TEST(PacerTest, IdleTimeEarnsNoBurst) {
  ManualClock clock;
  Pacer pacer(100ms, clock);
  pacer.Reserve();
  clock.Advance(10s);
  const Clock::time_point later = clock.Now();
  EXPECT_EQ(pacer.Reserve(), later);
  EXPECT_EQ(pacer.Reserve(), later + 100ms);
}

TEST(PacerTest, ConcurrentCallersGetDistinctSpacedSlots) {
  ManualClock clock;
  Pacer pacer(10ms, clock);
  std::vector<Clock::time_point> slots(64);
  std::vector<std::jthread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) slots[static_cast<std::size_t>(t * 8 + i)] = pacer.Reserve();
    });
  }
  threads.clear();
  std::sort(slots.begin(), slots.end());
  for (std::size_t i = 1; i < slots.size(); ++i) EXPECT_EQ(slots[i] - slots[i - 1], 10ms);
}

TEST(PacerTest, WaitReturnsWhenItsSlotComesAndNotBefore) {
  ManualClock clock;
  Pacer pacer(50ms, clock);
  std::stop_source stop;
  const Clock::time_point t0 = clock.Now();
  ASSERT_TRUE(pacer.Wait(stop.get_token())) << "the first slot is now";
  Clock::time_point woke{};
  std::jthread worker([&] {
    EXPECT_TRUE(pacer.Wait(stop.get_token()));  // the slot at t0 + 50 ms
    woke = clock.Now();
  });
  clock.AwaitSleepers(1);
  clock.Advance(49ms);
  clock.Advance(1ms);
  worker.join();
  EXPECT_EQ(woke, t0 + 50ms) << "woken by the tick that reached its slot, not by the one before";
}

TEST(PacerTest, AStopEndsAWait) {
  ManualClock clock;
  Pacer pacer(1h, clock);
  std::stop_source stop;
  ASSERT_TRUE(pacer.Wait(stop.get_token())) << "the first slot is now";
  const Clock::time_point start = clock.Now();
  bool waited = true;
  std::jthread worker([&] { waited = pacer.Wait(stop.get_token()); });  // an hour away
  stop.request_stop();
  worker.join();
  EXPECT_FALSE(waited);
  EXPECT_EQ(clock.Now(), start) << "no time passed: the stop, not the slot, ended it";
}

}  // namespace
}  // namespace fetchpool
