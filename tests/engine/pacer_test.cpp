#include "fetchpool/engine/pacer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Clock = Pacer::Clock;

// A clock the test moves by hand.
struct FakeClock {
  std::atomic<Clock::rep> ticks{Clock::now().time_since_epoch().count()};
  Clock::time_point now() const { return Clock::time_point(Clock::duration(ticks.load())); }
  void advance(Clock::duration d) { ticks += d.count(); }
};

TEST(PacerTest, FirstStartAtOnceThenEvenlySpaced) {
  FakeClock clock;
  Pacer pacer(100ms, [&] { return clock.now(); });
  const Clock::time_point t0 = clock.now();
  EXPECT_EQ(pacer.Reserve(), t0) << "no wait before the first request";
  EXPECT_EQ(pacer.Reserve(), t0 + 100ms);
  EXPECT_EQ(pacer.Reserve(), t0 + 200ms) << "no burst: each start takes the next slot";
}

TEST(PacerTest, IdleTimeEarnsNoBurst) {
  FakeClock clock;
  Pacer pacer(100ms, [&] { return clock.now(); });
  pacer.Reserve();
  clock.advance(10s);
  const Clock::time_point later = clock.now();
  EXPECT_EQ(pacer.Reserve(), later);
  EXPECT_EQ(pacer.Reserve(), later + 100ms);
}

TEST(PacerTest, ConcurrentCallersGetDistinctSpacedSlots) {
  FakeClock clock;
  Pacer pacer(10ms, [&] { return clock.now(); });
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

TEST(PacerTest, WaitSleepsUntilTheSlot) {
  Pacer pacer(50ms);
  std::stop_source stop;
  const Clock::time_point t0 = Clock::now();
  ASSERT_TRUE(pacer.Wait(stop.get_token()));
  ASSERT_TRUE(pacer.Wait(stop.get_token()));
  ASSERT_TRUE(pacer.Wait(stop.get_token()));
  EXPECT_GE(Clock::now() - t0, 100ms);
  EXPECT_LT(Clock::now() - t0, 2s);
}

TEST(PacerTest, StopEndsAWaitPromptly) {
  Pacer pacer(1h);
  std::stop_source stop;
  ASSERT_TRUE(pacer.Wait(stop.get_token())) << "the first slot is now";
  std::jthread stopper([&] {
    std::this_thread::sleep_for(20ms);
    stop.request_stop();
  });
  const Clock::time_point t0 = Clock::now();
  EXPECT_FALSE(pacer.Wait(stop.get_token()));
  EXPECT_LT(Clock::now() - t0, 2s);
}

}  // namespace
}  // namespace fetchpool
