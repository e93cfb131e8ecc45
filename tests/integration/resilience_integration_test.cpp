// The real binary against the loopback test server: retries, limits and politeness,
// measured where it counts (at the server) with bounds generous enough for a busy machine.
// Request controls and proxies are in resilience_request_integration_test.cpp.
#include "support/resilience_integration.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using testing::CleanEnv;
using testing::Fetchpool;
using testing::Has;
using testing::JoinLines;
using testing::LineFor;
using testing::MsOf;
using testing::PercentEncode;
using testing::ProcessResult;
using testing::ResilienceTest;
using testing::SplitLines;
using testing::Subprocess;
using testing::SubprocessOptions;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

std::string HttpDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// --- retries ---

TEST_F(ResilienceTest, FlakyServiceUnavailableWithRetryAfterThenOk) {
  const std::string url = server_.url("/flaky?key=ra&fails=1&retry_after=1");
  ProcessResult r = Fetchpool({"--retries", "2", "--retry-wait", "0.01"}, url + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string line = LineFor(r.out, url);
  EXPECT_TRUE(line.starts_with("[OK]")) << r.out;
  EXPECT_TRUE(Has(line, ", 2 attempts)")) << line;
  EXPECT_GE(MsOf(line), 900) << "the time counts from the first attempt, waits included";
  EXPECT_TRUE(Has(r.out, ", 1 retries")) << r.out;
  const auto times = server_.request_times();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_GE(times[1] - times[0], 900ms) << "Retry-After: 1 honoured, not the 10ms backoff";
}

TEST_F(ResilienceTest, RetryAfterAsHttpDateIsHonouredUpToRetryMaxWait) {
  const std::string date = HttpDate(std::time(nullptr) + 30);
  const std::string url = server_.url("/flaky?key=date&fails=1&retry_after=" + PercentEncode(date));
  ProcessResult r =
      Fetchpool({"--retries", "1", "--retry-wait", "0.01", "--retry-max-wait", "0.5"}, url + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(LineFor(r.out, url), ", 2 attempts)")) << r.out;
  const auto times = server_.request_times();
  ASSERT_EQ(times.size(), 2u);
  // Parsed (the 10ms backoff would be far shorter) and capped (30s would be far longer).
  EXPECT_GE(times[1] - times[0], 400ms);
  EXPECT_LT(times[1] - times[0], 5s);
}

TEST_F(ResilienceTest, TooManyRequestsIsRetried) {
  const std::string url = server_.url("/flaky?key=t429&fails=2&status=429");
  ProcessResult r = Fetchpool({"--retries", "3", "--retry-wait", "0.01"}, url + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(LineFor(r.out, url), ", 3 attempts)")) << r.out;
  EXPECT_EQ(server_.request_count(), 3u);
}

TEST_F(ResilienceTest, RetriesRunOutAndTheLineSaysSo) {
  const std::string url = server_.url("/flaky?key=down&fails=100");
  ProcessResult r = Fetchpool({"--retries", "2", "--retry-wait", "0.01"}, url + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string line = LineFor(r.out, url);
  EXPECT_TRUE(line.starts_with("[FAIL]")) << r.out;
  EXPECT_TRUE(Has(line, "(HTTP 503, ")) << line;
  EXPECT_TRUE(Has(line, ", 3 attempts)")) << line;
  EXPECT_TRUE(Has(r.out, "0 ok, 1 failed")) << r.out;
  EXPECT_TRUE(Has(r.out, ", 2 retries")) << r.out;
  EXPECT_EQ(server_.request_count(), 3u);
}

TEST_F(ResilienceTest, PermanentFailuresAreNeverRetried) {
  const std::vector<std::string> urls = {server_.url("/status/404"), server_.url("/status/501"),
                                         server_.url("/headers status=201"), "ftp://127.0.0.1/x"};
  ProcessResult r = Fetchpool({"--retries", "3", "--retry-wait", "0.01"}, JoinLines(urls));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(server_.request_count(), 3u) << "one request each; the ftp URL none";
  EXPECT_FALSE(Has(r.out, "attempts")) << r.out;
  EXPECT_TRUE(Has(r.out, "0 ok, 4 failed")) << r.out;
}

TEST_F(ResilienceTest, ConnectionRefusedIsRetried) {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::RefusedPort()) + "/";
  ProcessResult r = Fetchpool({"--retries", "2", "--retry-wait", "0.01"}, url + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(LineFor(r.out, url), "(connection refused, ")) << r.out;
  EXPECT_TRUE(Has(LineFor(r.out, url), ", 3 attempts)")) << r.out;
}

TEST_F(ResilienceTest, TruncatedBodyIsRetried) {
  const std::string url = server_.url("/truncated");
  ProcessResult r = Fetchpool({"--retries", "1", "--retry-wait", "0.01"}, url + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(LineFor(r.out, url), "truncated body")) << r.out;
  EXPECT_TRUE(Has(LineFor(r.out, url), ", 2 attempts)")) << r.out;
}

TEST_F(ResilienceTest, AWaitingRetryDoesNotHoldTheOnlyWorker) {
  const std::string flaky = server_.url("/flaky?key=hold&fails=1&retry_after=1");
  std::vector<std::string> urls = {flaky};
  // Another host: the 503 with Retry-After pauses every URL of its own host (issue 12).
  for (int i = 0; i < 3; ++i) {
    urls.push_back(server_.url_for_host("localhost", "/size/" + std::to_string(10 + i)));
  }
  ProcessResult r = Fetchpool({"-w", "1", "--retries", "1"}, JoinLines(urls));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  // The three others finish while the flaky URL waits, and the run waits for its retry.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Has(lines[i], "/size/")) << r.out;
  EXPECT_TRUE(Has(lines[3], flaky)) << r.out;
  EXPECT_TRUE(Has(lines[3], ", 2 attempts)")) << r.out;
  EXPECT_TRUE(lines[4].starts_with("Summary: 4 total, 4 ok")) << r.out;
}

TEST_F(ResilienceTest, CtrlCWhileARetryIsPendingExits130Promptly) {
  const std::string url = server_.url("/flaky?key=int&fails=100&retry_after=30");
  Subprocess child = Subprocess::Start(
      {FETCHPOOL_BINARY, "--retries", "5", "--retry-max-wait", "60", "--color=never"}, CleanEnv());
  child.WriteStdin(url + "\n");
  child.CloseStdin();
  const Clock::time_point give_up = Clock::now() + 5s;
  while (server_.request_count() < 1 && Clock::now() < give_up) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(server_.request_count(), 1u);
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(child.StdoutSoFar().empty()) << "input is over but a retry is pending";
  const Clock::time_point signalled = Clock::now();
  child.Signal(SIGINT);
  ProcessResult r = child.Wait(5s);
  EXPECT_LT(Clock::now() - signalled, 2s);
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  // What the pending URL last got is still reported.
  EXPECT_TRUE(Has(LineFor(r.out, url), "(HTTP 503, ")) << r.out;
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(ResilienceTest, ARetriedDownloadIsSavedOnceUnderItsOwnName) {
  TempDir dir;
  const std::string url = server_.url("/flaky?key=save&fails=2");
  ProcessResult r =
      Fetchpool({"--retries", "2", "--retry-wait", "0.01", "-o", dir.path()}, url + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(LineFor(r.out, url), ", 3 attempts) -> ")) << r.out;
  // The failed attempts left nothing behind, and did not push the name to "flaky.1".
  EXPECT_EQ(dir.List(), std::vector<std::string>{"flaky"});
  EXPECT_EQ(testing::ReadFile(dir / "flaky"), "ok");
}

// --- limits ---

TEST_F(ResilienceTest, StallGuardAbortsASlowDrip) {
  const std::string url = server_.url("/drip?bytes=50&interval_ms=3000");
  const Clock::time_point t0 = Clock::now();
  ProcessResult r = Fetchpool({"--stall-timeout", "1"}, url + "\n");
  EXPECT_LT(Clock::now() - t0, 4500ms);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(LineFor(r.out, url), "(stalled: no data for 1s, ")) << r.out;
}

TEST_F(ResilienceTest, MaxSizeEndsAnEndlessBodyAndRefusesALargeOne) {
  const std::string endless = server_.url("/endless");
  const std::string large = server_.url("/size/100000");
  const std::string fits = server_.url("/size/65536");
  ProcessResult r = Fetchpool({"--max-size", "64K"}, JoinLines({endless, large, fits}));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(LineFor(r.out, endless), "[FAIL]")) << r.out;
  EXPECT_TRUE(Has(LineFor(r.out, endless), "(body larger than 64.0KB, ")) << r.out;
  EXPECT_TRUE(Has(LineFor(r.out, large), "(body larger than 64.0KB, ")) << r.out;
  EXPECT_TRUE(LineFor(r.out, fits).starts_with("[OK]")) << r.out;
  EXPECT_TRUE(server_.WaitUntilIdle(3s)) << "the endless transfer was really abandoned";
}

TEST_F(ResilienceTest, PerHostLimitHoldsAtTheServerWithoutBlockingOtherHosts) {
  std::vector<std::string> urls;
  // One slow host's URLs first: a worker that waited for that host's slot would leave the other
  // host's URLs behind them.
  for (int i = 0; i < 6; ++i) urls.push_back(server_.url("/delay/400"));
  for (int i = 0; i < 4; ++i) urls.push_back(server_.url_for_host("localhost", "/size/1"));
  ProcessResult r = Fetchpool({"-w", "4", "--per-host", "2"}, JoinLines(urls));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "10 total, 10 ok")) << r.out;
  EXPECT_LE(server_.max_in_flight_for_host("127.0.0.1"), 2);
  EXPECT_LE(server_.max_in_flight_for_host("localhost"), 2);
  // Lines come in completion order: the other host was served while the slow one was busy.
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_GE(lines.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(Has(lines[i], "localhost")) << r.out;
}

TEST_F(ResilienceTest, RateSpacesRequestStartsAtTheServer) {
  std::vector<std::string> urls;
  for (int i = 0; i < 6; ++i) urls.push_back(server_.url("/size/1"));
  ProcessResult r = Fetchpool({"-w", "4", "--rate", "10/s"}, JoinLines(urls));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto times = server_.request_times();
  ASSERT_EQ(times.size(), 6u);
  // Starts are 100ms apart; arrivals add each request's own latency, which a busy machine
  // stretches, so the bounds leave room. A burst (even just at the start) would show as ~0ms.
  for (std::size_t i = 1; i < times.size(); ++i) {
    EXPECT_GE(times[i] - times[i - 1], 25ms) << "gap " << i << ": no burst, not even at start";
  }
  EXPECT_GE(times.back() - times.front(), 400ms);
}

TEST_F(ResilienceTest, MaxFailuresStopsTakingNewUrls) {
  std::vector<std::string> urls;
  for (int i = 0; i < 3; ++i) urls.push_back(server_.url("/status/500"));
  for (int i = 0; i < 5; ++i) urls.push_back(server_.url("/size/1"));
  ProcessResult r = Fetchpool({"-w", "1", "--max-failures", "2"}, JoinLines(urls));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "Summary: 2 total, 0 ok, 2 failed")) << r.out;
  EXPECT_TRUE(Has(r.err, "stopped early after 2 failures")) << r.err;
  EXPECT_EQ(server_.request_count(), 2u);
}

TEST_F(ResilienceTest, MaxTimeStopsTheRunLikeCtrlCButExitsOne) {
  const std::string slow = server_.url("/delay/10000");
  const std::string quick = server_.url("/size/1");
  const Clock::time_point t0 = Clock::now();
  ProcessResult r = Fetchpool({"--max-time", "0.5"}, JoinLines({slow, quick}));
  EXPECT_LT(Clock::now() - t0, 3s);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(LineFor(r.out, quick).starts_with("[OK]")) << r.out;
  EXPECT_TRUE(LineFor(r.out, slow).empty()) << "aborted, not a verdict: " << r.out;
  EXPECT_TRUE(Has(r.err, "stopped by --max-time after 0.5s")) << r.err;
  EXPECT_TRUE(Has(r.err, "1 transfer in progress was aborted")) << r.err;
}

}  // namespace
}  // namespace fetchpool
