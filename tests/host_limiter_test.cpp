#include "fetchpool/host_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fetchpool {
namespace {

TEST(HostKeyTest, HostNameLowerCasedWithoutPort) {
  EXPECT_EQ(HostKey("http://Example.COM:8080/x?y"), "example.com");
  EXPECT_EQ(HostKey("https://user:pw@127.0.0.1/"), "127.0.0.1");
  EXPECT_EQ(HostKey("http://[::1]:80/"), "[::1]");
  EXPECT_EQ(HostKey("not a url"), "");
}

TEST(HostLimiterTest, UnlimitedNeverRefuses) {
  HostLimiter<int> hosts(0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(hosts.TryAcquire("a"));
  EXPECT_EQ(hosts.active("a"), 0) << "nothing is tracked";
}

TEST(HostLimiterTest, EmptyHostIsNeverLimited) {
  HostLimiter<int> hosts(1);
  EXPECT_TRUE(hosts.TryAcquire(""));
  EXPECT_TRUE(hosts.TryAcquire(""));
}

TEST(HostLimiterTest, RefusesPastTheLimitPerHost) {
  HostLimiter<int> hosts(2);
  EXPECT_TRUE(hosts.TryAcquire("a"));
  EXPECT_TRUE(hosts.TryAcquire("a"));
  EXPECT_FALSE(hosts.TryAcquire("a"));
  EXPECT_TRUE(hosts.TryAcquire("b")) << "another host is not affected";
  EXPECT_EQ(hosts.active("a"), 2);
  hosts.Release("a");
  EXPECT_TRUE(hosts.TryAcquire("a"));
}

TEST(HostLimiterTest, ParkedItemsComeBackWhenASlotFrees) {
  HostLimiter<int> hosts(1);
  ASSERT_TRUE(hosts.TryAcquire("a"));
  hosts.Park("a", 1);
  hosts.Park("a", 2);
  EXPECT_EQ(hosts.parked(), 2u);
  EXPECT_FALSE(hosts.TakeReady()) << "the host is still busy";
  hosts.Release("a");
  EXPECT_EQ(hosts.TakeReady(), 1) << "first in, first out";
  EXPECT_EQ(hosts.active("a"), 1) << "the slot went with it";
  EXPECT_FALSE(hosts.TakeReady());
  hosts.Release("a");
  EXPECT_EQ(hosts.TakeReady(), 2);
  EXPECT_EQ(hosts.parked(), 0u);
}

TEST(HostLimiterTest, ParkedItemsGoBeforeNewOnesForTheirHost) {
  HostLimiter<int> hosts(1);
  ASSERT_TRUE(hosts.TryAcquire("a"));
  hosts.Park("a", 1);
  hosts.Release("a");
  EXPECT_FALSE(hosts.TryAcquire("a")) << "a newcomer must queue behind the parked item";
  EXPECT_EQ(hosts.TakeReady(), 1);
}

TEST(HostLimiterTest, FrontParksAheadOfTheLine) {
  HostLimiter<int> hosts(1);
  ASSERT_TRUE(hosts.TryAcquire("a"));
  hosts.Park("a", 1);
  hosts.Park("a", 99, /*front=*/true);
  hosts.Release("a");
  EXPECT_EQ(hosts.TakeReady(), 99);
}

TEST(HostLimiterTest, HostsTakeTurns) {
  HostLimiter<int> hosts(2);
  for (const char* h : {"a", "b"}) {
    ASSERT_TRUE(hosts.TryAcquire(h));
    ASSERT_TRUE(hosts.TryAcquire(h));
  }
  for (int i = 0; i < 3; ++i) {
    hosts.Park("a", 10 + i);
    hosts.Park("b", 20 + i);
  }
  hosts.Release("a");
  hosts.Release("a");
  hosts.Release("b");
  // a had two free slots, b one: a, b, a in turn rather than a, a, b.
  EXPECT_EQ(hosts.TakeReady(), 10);
  EXPECT_EQ(hosts.TakeReady(), 20);
  EXPECT_EQ(hosts.TakeReady(), 11);
  EXPECT_FALSE(hosts.TakeReady());
}

TEST(HostLimiterTest, TakeAllParkedEmptiesEveryLine) {
  HostLimiter<int> hosts(1);
  ASSERT_TRUE(hosts.TryAcquire("a"));
  ASSERT_TRUE(hosts.TryAcquire("b"));
  hosts.Park("a", 1);
  hosts.Park("b", 2);
  EXPECT_EQ(hosts.TakeAllParked().size(), 2u);
  EXPECT_EQ(hosts.parked(), 0u);
  hosts.Release("a");
  EXPECT_FALSE(hosts.TakeReady());
}

TEST(HostLimiterTest, ForgetsIdleHosts) {
  HostLimiter<int> hosts(1);
  for (int i = 0; i < 1000; ++i) {
    const std::string host = "h" + std::to_string(i);
    ASSERT_TRUE(hosts.TryAcquire(host));
    hosts.Release(host);
    EXPECT_EQ(hosts.active(host), 0);
  }
}

}  // namespace
}  // namespace fetchpool
