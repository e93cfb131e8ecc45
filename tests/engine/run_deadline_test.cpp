#include "fetchpool/engine/run_deadline.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(RunDeadlineTest, RequestsTheStopWhenTimeIsUp) {
  std::stop_source stop;
  RunDeadline deadline(stop, Clock::now() + 30ms);
  const Clock::time_point give_up = Clock::now() + 5s;
  while (!stop.stop_requested() && Clock::now() < give_up) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(stop.stop_requested());
  EXPECT_TRUE(deadline.fired());
}

TEST(RunDeadlineTest, DestroyedInTimeItDoesNothing) {
  std::stop_source stop;
  const Clock::time_point t0 = Clock::now();
  { RunDeadline deadline(stop, Clock::now() + 1h); }
  EXPECT_LT(Clock::now() - t0, 2s) << "destruction cancels the timer at once";
  EXPECT_FALSE(stop.stop_requested());
}

TEST(RunDeadlineTest, AnotherStopIsNotTheDeadline) {
  std::stop_source stop;
  RunDeadline deadline(stop, Clock::now() + 1h);
  stop.request_stop();  // Ctrl-C, say
  EXPECT_FALSE(deadline.fired());
}

}  // namespace
}  // namespace fetchpool
