#include "fetchpool/util/reorder_window.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

TEST(ReorderWindowTest, BlocksWhenFullUntilReleased) {
  ReorderWindow w(2);
  ASSERT_TRUE(w.Acquire({}));
  ASSERT_TRUE(w.Acquire({}));
  std::atomic<bool> got{false};
  std::jthread t([&] { got = w.Acquire({}); });
  std::this_thread::sleep_for(30ms);
  EXPECT_FALSE(got);
  w.Release(1);
  t.join();
  EXPECT_TRUE(got);
}

TEST(ReorderWindowTest, StopWakesAWaiter) {
  ReorderWindow w(1);
  ASSERT_TRUE(w.Acquire({}));
  std::stop_source stop;
  std::optional<bool> got;
  std::jthread t([&] { got = w.Acquire(stop.get_token()); });
  std::this_thread::sleep_for(20ms);
  stop.request_stop();
  t.join();
  EXPECT_EQ(got, false);
}

}  // namespace
}  // namespace fetchpool
