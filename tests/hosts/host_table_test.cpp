#include "fetchpool/hosts/host_table.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <string>

#include "fetchpool/hosts/host_key.hpp"
#include "fetchpool/input/url_reader.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// An injected clock: every call passes the time explicitly.
const Clock::time_point t0 = Clock::time_point{} + 1000h;

HostRules Rules(int max_at_once, std::chrono::nanoseconds interval = 0ns) {
  return {.max_at_once = max_at_once,
          .adaptive = true,
          .start_interval = interval,
          .throttle_wait = 1000ms,
          .max_wait = 60000ms};
}

HostAnswer Answer(long status, Clock::time_point started = t0,
                  std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  return {.started = started, .http_status = status, .retry_after = retry_after};
}

// The host key the reader gives a job for `url` (ValidateJob); "" for a line it refuses.
std::string HostKey(const std::string& url) {
  Job job;
  job.origin.url = url;
  ValidateJob(job);
  return job.target.host;
}

TEST(HostKeyTest, HostNameLowerCasedWithoutPort) {
  EXPECT_EQ(HostKey("http://Example.COM:8080/x?y"), "example.com");
  EXPECT_EQ(HostKey("https://user:pw@127.0.0.1/"), "127.0.0.1");
  EXPECT_EQ(HostKey("http://[::1]:80/"), "[::1]");
  EXPECT_EQ(HostKey("http://example.com./"), "example.com") << "a trailing dot is the same host";
  EXPECT_EQ(HostKey("not a url"), "");
}

TEST(HostKeyTest, InternationalNamesInTheirAsciiForm) {
  EXPECT_EQ(HostKey("http://BÜCHER.example/"), "xn--bcher-kva.example");
  EXPECT_EQ(HostKey("http://bücher.example:81/"), HostKey("http://xn--bcher-kva.example/"));
  EXPECT_EQ(HostKey("http://XN--BCHER-KVA.Example:8080/"), "xn--bcher-kva.example");
  EXPECT_EQ(HostKey("http://b%C3%BCcher.example/"), "xn--bcher-kva.example")
      << "curl_url decodes a percent-encoded name first";
  EXPECT_EQ(HostKey("http://bücher.example./"), "xn--bcher-kva.example");
  EXPECT_EQ(HostKey("https://faß.de/"), "xn--fa-hia.de") << "UTS #46 non-transitional, as libcurl";
}

TEST(HostKeyTest, NamesLibidn2RejectsStayAsGivenLowerCased) {
  EXPECT_EQ(HostKeyOfName("-Ü-.Example"), "-Ü-.example") << "a label may not start with '-'";
  const std::string huge = [] {
    std::string s;
    for (int i = 0; i < 70; ++i) s += "ü";
    return s + ".example";
  }();
  EXPECT_EQ(HostKeyOfName(huge), huge) << "its punycode label would be over 63 bytes";
  EXPECT_EQ(HostKeyOfName("\xff\xfe.EXAMPLE"), "\xff\xfe.example") << "not UTF-8";
  EXPECT_EQ(HostKeyOfName(""), "");
}

TEST(HostKeyTest, AsciiHostUrlRewritesOnlyAnInternationalName) {
  EXPECT_EQ(AsciiHostUrl("http://Bücher.example:81/ä?q=ü"), "http://xn--bcher-kva.example:81/ä?q=ü")
      << "only the host changes";
  EXPECT_EQ(AsciiHostUrl("http://example.com/ä"), "") << "an ASCII host needs no change";
  EXPECT_EQ(AsciiHostUrl("http://example.com/"), "");
  EXPECT_EQ(AsciiHostUrl("http://-ü-.example/"), "") << "libidn2 rejects it: libcurl will say why";
}

TEST(HostKeyTest, IpLiteralsAreToldFromNames) {
  EXPECT_TRUE(IsIpLiteralHost("127.3.2.1"));
  EXPECT_TRUE(IsIpLiteralHost("[::1]"));
  EXPECT_FALSE(IsIpLiteralHost("localhost"));
  EXPECT_FALSE(IsIpLiteralHost("127.0.0.1.example"));
  EXPECT_FALSE(IsIpLiteralHost(""));
}

TEST(HostTableTest, EmptyHostIsNeverLimited) {
  HostTable<int> hosts(Rules(1));
  EXPECT_TRUE(hosts.TryAcquire("", t0));
  EXPECT_TRUE(hosts.TryAcquire("", t0));
  EXPECT_EQ(hosts.hosts(), 0u);
}

TEST(HostTableTest, RefusesPastTheLimitPerHost) {
  HostTable<int> hosts(Rules(2));
  EXPECT_TRUE(hosts.TryAcquire("a", t0));
  EXPECT_TRUE(hosts.TryAcquire("a", t0));
  EXPECT_FALSE(hosts.TryAcquire("a", t0));
  EXPECT_TRUE(hosts.TryAcquire("b", t0)) << "another host is not affected";
  EXPECT_EQ(hosts.active("a"), 2);
  hosts.Release("a", t0, {});
  EXPECT_TRUE(hosts.TryAcquire("a", t0));
}

TEST(HostTableTest, ParkedItemsComeBackWhenASlotFrees) {
  HostTable<int> hosts(Rules(1));
  ASSERT_TRUE(hosts.TryAcquire("a", t0));
  hosts.Park("a", 1, t0);
  hosts.Park("a", 2, t0);
  EXPECT_EQ(hosts.parked(), 2u);
  EXPECT_FALSE(hosts.TakeReady(t0)) << "the host is still busy";
  hosts.Release("a", t0, {});
  EXPECT_EQ(hosts.TakeReady(t0), 1) << "first in, first out";
  EXPECT_EQ(hosts.active("a"), 1) << "the slot went with it";
  EXPECT_FALSE(hosts.TakeReady(t0));
  hosts.Release("a", t0, {});
  EXPECT_EQ(hosts.TakeReady(t0), 2);
  EXPECT_EQ(hosts.parked(), 0u);
}

TEST(HostTableTest, ParkedItemsGoBeforeNewOnesForTheirHost) {
  HostTable<int> hosts(Rules(1));
  ASSERT_TRUE(hosts.TryAcquire("a", t0));
  hosts.Park("a", 1, t0);
  hosts.Release("a", t0, {});
  EXPECT_FALSE(hosts.TryAcquire("a", t0)) << "a newcomer must queue behind the parked item";
  EXPECT_EQ(hosts.TakeReady(t0), 1);
}

TEST(HostTableTest, FrontParksAheadOfTheLine) {
  HostTable<int> hosts(Rules(1));
  ASSERT_TRUE(hosts.TryAcquire("a", t0));
  hosts.Park("a", 1, t0);
  hosts.Park("a", 99, t0, /*front=*/true);
  hosts.Release("a", t0, {});
  EXPECT_EQ(hosts.TakeReady(t0), 99);
}

TEST(HostTableTest, HostsTakeTurns) {
  HostTable<int> hosts(Rules(2));
  for (const char* h : {"a", "b"}) {
    ASSERT_TRUE(hosts.TryAcquire(h, t0));
    ASSERT_TRUE(hosts.TryAcquire(h, t0));
  }
  for (int i = 0; i < 3; ++i) {
    hosts.Park("a", 10 + i, t0);
    hosts.Park("b", 20 + i, t0);
  }
  hosts.Release("a", t0, {});
  hosts.Release("a", t0, {});
  hosts.Release("b", t0, {});
  // a had two free slots, b one: a, b, a in turn rather than a, a, b.
  EXPECT_EQ(hosts.TakeReady(t0), 10);
  EXPECT_EQ(hosts.TakeReady(t0), 20);
  EXPECT_EQ(hosts.TakeReady(t0), 11);
  EXPECT_FALSE(hosts.TakeReady(t0));
}

TEST(HostTableTest, TakeAllParkedEmptiesEveryLine) {
  HostTable<int> hosts(Rules(1));
  ASSERT_TRUE(hosts.TryAcquire("a", t0));
  ASSERT_TRUE(hosts.TryAcquire("b", t0));
  hosts.Park("a", 1, t0);
  hosts.Park("b", 2, t0);
  EXPECT_EQ(hosts.TakeAllParked().size(), 2u);
  EXPECT_EQ(hosts.parked(), 0u);
  hosts.Release("a", t0, {});
  EXPECT_FALSE(hosts.TakeReady(t0));
}

TEST(HostTableTest, ForgetsIdleHosts) {
  HostTable<int> hosts(Rules(1));
  for (int i = 0; i < 1000; ++i) {
    const std::string host = "h" + std::to_string(i);
    ASSERT_TRUE(hosts.TryAcquire(host, t0));
    hosts.Release(host, t0, Answer(200));
    EXPECT_EQ(hosts.active(host), 0);
  }
  EXPECT_EQ(hosts.hosts(), 0u);
}

TEST(HostTableTest, A429PausesTheWholeHostUntilRetryAfter) {
  HostTable<int> hosts(Rules(4));
  ASSERT_TRUE(hosts.TryAcquire("a", t0));
  const HostChange change = hosts.Release("a", t0 + 10ms, Answer(429, t0, 2s));
  EXPECT_EQ(change.pause, 2s);
  EXPECT_FALSE(hosts.TryAcquire("a", t0 + 1s)) << "paused";
  hosts.Park("a", 1, t0 + 1s);
  EXPECT_TRUE(hosts.TryAcquire("b", t0 + 1s)) << "other hosts keep going";
  EXPECT_EQ(hosts.NextWake(), t0 + 10ms + 2s);
  EXPECT_FALSE(hosts.TakeReady(t0 + 1s));
  hosts.Wake(t0 + 2s);
  EXPECT_FALSE(hosts.TakeReady(t0 + 2s)) << "not yet";
  hosts.Wake(t0 + 10ms + 2s);
  EXPECT_EQ(hosts.TakeReady(t0 + 10ms + 2s), 1);
}

TEST(HostTableTest, PauseIsCappedAndA429WithoutRetryAfterUsesTheRetryWait) {
  HostRules rules = Rules(4);
  rules.max_wait = 5000ms;
  HostTable<int> hosts(rules);
  ASSERT_TRUE(hosts.TryAcquire("a", t0));
  EXPECT_EQ(hosts.Release("a", t0, Answer(429, t0, 3600s)).pause, 5s) << "--retry-max-wait";
  ASSERT_TRUE(hosts.TryAcquire("b", t0));
  EXPECT_EQ(hosts.Release("b", t0, Answer(429, t0)).pause, 1s) << "--retry-wait";
  ASSERT_TRUE(hosts.TryAcquire("b", t0 + 1s));
  EXPECT_EQ(hosts.Release("b", t0 + 1s, Answer(429, t0 + 1s)).pause, 2s) << "doubles";
}

TEST(HostTableTest, A503PausesOnlyWithRetryAfter) {
  HostTable<int> hosts(Rules(4));
  ASSERT_TRUE(hosts.TryAcquire("a", t0));
  EXPECT_EQ(hosts.Release("a", t0, Answer(503, t0)).pause, 0s);
  EXPECT_TRUE(hosts.TryAcquire("a", t0));
  EXPECT_EQ(hosts.Release("a", t0, Answer(503, t0, 1s)).pause, 1s);
  EXPECT_FALSE(hosts.TryAcquire("a", t0 + 500ms));
  EXPECT_EQ(hosts.limit("a"), 4) << "a 503 does not cut the limit";
}

TEST(HostTableTest, AnIdleHostIsKeptWhilePausedThenDropped) {
  HostTable<int> hosts(Rules(4));
  ASSERT_TRUE(hosts.TryAcquire("a", t0));
  hosts.Release("a", t0, Answer(429, t0, 1s));
  EXPECT_EQ(hosts.hosts(), 1u) << "the pause must hold for URLs still to come";
  EXPECT_FALSE(hosts.TryAcquire("a", t0 + 999ms));
  hosts.Park("a", 7, t0 + 999ms);
  hosts.Wake(t0 + 1s);
  EXPECT_EQ(hosts.TakeReady(t0 + 1s), 7);
  hosts.Release("a", t0 + 1200ms, Answer(200, t0 + 1s));
  EXPECT_EQ(hosts.hosts(), 0u);
}

TEST(HostTableTest, RateSpacesStartsPerHost) {
  HostTable<int> hosts(Rules(8, 100ms));
  EXPECT_TRUE(hosts.TryAcquire("a", t0));
  EXPECT_FALSE(hosts.TryAcquire("a", t0 + 50ms));
  EXPECT_TRUE(hosts.TryAcquire("b", t0 + 50ms)) << "hosts are independent";
  hosts.Park("a", 1, t0 + 50ms);
  EXPECT_EQ(hosts.NextWake(), t0 + 100ms);
  hosts.Wake(t0 + 100ms);
  EXPECT_EQ(hosts.TakeReady(t0 + 100ms), 1);
  EXPECT_FALSE(hosts.TryAcquire("a", t0 + 150ms));
  EXPECT_TRUE(hosts.TryAcquire("a", t0 + 200ms));
}

TEST(HostTableTest, AnIdleHostKeepsItsRateSlot) {
  HostTable<int> hosts(Rules(8, 1s));
  ASSERT_TRUE(hosts.TryAcquire("a", t0));
  hosts.Release("a", t0 + 10ms, Answer(200));
  EXPECT_FALSE(hosts.TryAcquire("a", t0 + 20ms)) << "the slot outlives the transfer";
  hosts.Park("a", 1, t0 + 20ms);
  hosts.Wake(t0 + 1s);
  EXPECT_EQ(hosts.TakeReady(t0 + 1s), 1);
  hosts.Release("a", t0 + 1010ms, Answer(200));
  hosts.Wake(t0 + 2s);
  EXPECT_EQ(hosts.hosts(), 0u) << "dropped once the slot has passed";
}

TEST(HostTableTest, LimitHalvesOnceForABurstOf429s) {
  HostTable<int> hosts(Rules(16));
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(hosts.TryAcquire("a", t0));
  for (int i = 0; i < 14; ++i) hosts.Release("a", t0 + 10ms, Answer(429, t0, 1s));
  EXPECT_EQ(hosts.limit("a"), 8) << "one burst, one cut";
  hosts.Release("a", t0 + 50ms, Answer(200));
  hosts.Release("a", t0 + 50ms, Answer(200));
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(hosts.TryAcquire("a", t0 + 2s));
  EXPECT_FALSE(hosts.TryAcquire("a", t0 + 2s)) << "at most 8 now";
  hosts.Release("a", t0 + 2s + 10ms, Answer(429, t0 + 2s, 1s));
  EXPECT_EQ(hosts.limit("a"), 4) << "a request sent after the cut cuts again";
}

}  // namespace
}  // namespace fetchpool
