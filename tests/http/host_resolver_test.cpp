#include "fetchpool/http/host_resolver.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

// Answers from a table and counts the questions.
class TableResolver final : public NameResolver {
 public:
  explicit TableResolver(std::map<std::string, Lookup> table) : table_(std::move(table)) {}
  Lookup Resolve(const std::string& host, std::chrono::milliseconds, std::stop_token) override {
    ++asked_;
    auto it = table_.find(host);
    return it == table_.end() ? Lookup{.error = LookupError::kNoSuchHost} : it->second;
  }
  int asked() const { return asked_; }

 private:
  std::map<std::string, Lookup> table_;
  std::atomic<int> asked_{0};
};

TEST(HostResolverTest, AnAnswerIsKeptAndAFailureIsNot) {
  TableResolver table({{"a.test", {.addresses = "10.0.0.1"}}});
  CachingResolver cache(table, 60s, 16);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(cache.Resolve("a.test", 1s, {}).addresses, "10.0.0.1");
  EXPECT_EQ(table.asked(), 1);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(cache.Resolve("missing.test", 1s, {}).error, LookupError::kNoSuchHost);
  }
  EXPECT_EQ(table.asked(), 3);
}

TEST(HostResolverTest, AnAnswerExpires) {
  TableResolver table({{"a.test", {.addresses = "10.0.0.1"}}});
  CachingResolver cache(table, 0s, 16);
  cache.Resolve("a.test", 1s, {});
  cache.Resolve("a.test", 1s, {});
  EXPECT_EQ(table.asked(), 2);
}

TEST(HostResolverTest, TheOldestNameLeavesWhenFull) {
  TableResolver table({{"a", {.addresses = "1.1.1.1"}},
                       {"b", {.addresses = "2.2.2.2"}},
                       {"c", {.addresses = "3.3.3.3"}}});
  CachingResolver cache(table, 60s, 2);
  for (const char* name : {"a", "b", "c"}) cache.Resolve(name, 1s, {});
  EXPECT_EQ(table.asked(), 3);
  cache.Resolve("c", 1s, {});
  cache.Resolve("b", 1s, {});
  EXPECT_EQ(table.asked(), 3) << "b and c kept";
  cache.Resolve("a", 1s, {});
  EXPECT_EQ(table.asked(), 4) << "a was dropped";
}

TEST(HostResolverTest, ManyThreadsShareOneCache) {
  TableResolver table({{"a", {.addresses = "1.1.1.1"}}, {"b", {.addresses = "2.2.2.2"}}});
  CachingResolver cache(table, 60s, 1);  // capacity 1: every other answer evicts
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 500; ++i) {
        const Lookup l = cache.Resolve((i + t) % 2 == 0 ? "a" : "b", 1s, {});
        ASSERT_FALSE(l.addresses.empty());
      }
    });
  }
}

// Only a name /etc/hosts answers: no test may send a DNS query off the machine (the resolver
// tests that need a server start their own dnsmasq).
TEST(HostResolverTest, TheSystemResolverReadsEtcHosts) {
  SystemResolver system(2);
  const Lookup local = system.Resolve("localhost", 5s, {});
  ASSERT_EQ(local.error, LookupError::kNone) << local.detail;
  EXPECT_NE(local.addresses.find("127.0.0.1"), std::string::npos) << local.addresses;
}

TEST(HostResolverTest, AStopEndsTheWaitAtOnce) {
  SystemResolver system(2);
  std::stop_source stop;
  stop.request_stop();
  const Lookup l = system.Resolve("localhost", 5s, stop.get_token());
  // Either it was answered before the first look at the stop, or the stop ended it.
  EXPECT_TRUE(l.error == LookupError::kNone || l.error == LookupError::kStopped);
}

}  // namespace
}  // namespace fetchpool
