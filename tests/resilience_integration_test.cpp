// The real binary against the loopback test server: retries, limits, politeness and request
// controls, measured where it counts (at the server) with bounds generous enough for a busy
// machine.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/subprocess.hpp"
#include "support/test_server.hpp"
#include "temp_dir.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using testing::ProcessResult;
using testing::RunProcess;
using testing::ScratchDir;
using testing::Subprocess;
using testing::SubprocessOptions;
using testing::TestServer;
using Clock = std::chrono::steady_clock;

// Proxy variables from the environment would send loopback requests elsewhere.
SubprocessOptions CleanEnv() {
  SubprocessOptions opts;
  opts.env_unset = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                    "all_proxy",  "ALL_PROXY",  "no_proxy",    "NO_PROXY"};
  return opts;
}

ProcessResult Fetchpool(std::vector<std::string> args, const std::string& input,
                        SubprocessOptions opts = CleanEnv()) {
  args.insert(args.begin(), FETCHPOOL_BINARY);
  args.push_back("--color=never");
  return RunProcess(args, input, 20s, opts);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

// The result line for `url`, or "" when there is none.
std::string LineFor(const std::string& out, const std::string& url) {
  for (const std::string& line : Lines(out)) {
    if (line.starts_with("[") && line.find(" " + url + " (") != std::string::npos) return line;
  }
  return {};
}

// The TIMEms figure of a result line, or -1.
long MsOf(const std::string& line) {
  const auto ms = line.find("ms");
  if (ms == std::string::npos) return -1;
  const auto start = line.rfind(' ', ms);
  return std::strtol(line.c_str() + start + 1, nullptr, 10);
}

std::string Join(const std::vector<std::string>& urls) {
  std::string out;
  for (const std::string& u : urls) out += u + "\n";
  return out;
}

std::string PercentEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string HttpDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class ResilienceTest : public ::testing::Test {
 protected:
  TestServer server_;
};

// --- retries ---

TEST_F(ResilienceTest, FlakyServiceUnavailableWithRetryAfterThenOk) {
  const std::string url = server_.url("/flaky?key=ra&fails=1&retry_after=1");
  ProcessResult r = Fetchpool({"--retries", "2", "--retry-wait", "0.01"}, url + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string line = LineFor(r.out, url);
  EXPECT_TRUE(line.starts_with("[OK]")) << r.out;
  EXPECT_TRUE(Contains(line, ", 2 attempts)")) << line;
  EXPECT_GE(MsOf(line), 900) << "the time counts from the first attempt, waits included";
  EXPECT_TRUE(Contains(r.out, ", 1 retries")) << r.out;
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
  EXPECT_TRUE(Contains(LineFor(r.out, url), ", 2 attempts)")) << r.out;
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
  EXPECT_TRUE(Contains(LineFor(r.out, url), ", 3 attempts)")) << r.out;
  EXPECT_EQ(server_.request_count(), 3u);
}

TEST_F(ResilienceTest, RetriesRunOutAndTheLineSaysSo) {
  const std::string url = server_.url("/flaky?key=down&fails=100");
  ProcessResult r = Fetchpool({"--retries", "2", "--retry-wait", "0.01"}, url + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string line = LineFor(r.out, url);
  EXPECT_TRUE(line.starts_with("[FAIL]")) << r.out;
  EXPECT_TRUE(Contains(line, "(HTTP 503, ")) << line;
  EXPECT_TRUE(Contains(line, ", 3 attempts)")) << line;
  EXPECT_TRUE(Contains(r.out, "0 ok, 1 failed")) << r.out;
  EXPECT_TRUE(Contains(r.out, ", 2 retries")) << r.out;
  EXPECT_EQ(server_.request_count(), 3u);
}

TEST_F(ResilienceTest, PermanentFailuresAreNeverRetried) {
  const std::vector<std::string> urls = {server_.url("/status/404"), server_.url("/status/501"),
                                         server_.url("/headers status=201"), "ftp://127.0.0.1/x"};
  ProcessResult r = Fetchpool({"--retries", "3", "--retry-wait", "0.01"}, Join(urls));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(server_.request_count(), 3u) << "one request each; the ftp URL none";
  EXPECT_FALSE(Contains(r.out, "attempts")) << r.out;
  EXPECT_TRUE(Contains(r.out, "0 ok, 4 failed")) << r.out;
}

TEST_F(ResilienceTest, ConnectionRefusedIsRetried) {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::RefusedPort()) + "/";
  ProcessResult r = Fetchpool({"--retries", "2", "--retry-wait", "0.01"}, url + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(LineFor(r.out, url), "(connection refused, ")) << r.out;
  EXPECT_TRUE(Contains(LineFor(r.out, url), ", 3 attempts)")) << r.out;
}

TEST_F(ResilienceTest, TruncatedBodyIsRetried) {
  const std::string url = server_.url("/truncated");
  ProcessResult r = Fetchpool({"--retries", "1", "--retry-wait", "0.01"}, url + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(LineFor(r.out, url), "truncated body")) << r.out;
  EXPECT_TRUE(Contains(LineFor(r.out, url), ", 2 attempts)")) << r.out;
}

TEST_F(ResilienceTest, AWaitingRetryDoesNotHoldTheOnlyWorker) {
  const std::string flaky = server_.url("/flaky?key=hold&fails=1&retry_after=1");
  std::vector<std::string> urls = {flaky};
  // Another host: the 503 with Retry-After pauses every URL of its own host (issue 12).
  for (int i = 0; i < 3; ++i) {
    urls.push_back(server_.url_for_host("localhost", "/size/" + std::to_string(10 + i)));
  }
  ProcessResult r = Fetchpool({"-w", "1", "--retries", "1"}, Join(urls));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  // The three others finish while the flaky URL waits, and the run waits for its retry.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Contains(lines[i], "/size/")) << r.out;
  EXPECT_TRUE(Contains(lines[3], flaky)) << r.out;
  EXPECT_TRUE(Contains(lines[3], ", 2 attempts)")) << r.out;
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
  EXPECT_TRUE(Contains(LineFor(r.out, url), "(HTTP 503, ")) << r.out;
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(ResilienceTest, ARetriedDownloadIsSavedOnceUnderItsOwnName) {
  ScratchDir dir;
  const std::string url = server_.url("/flaky?key=save&fails=2");
  ProcessResult r =
      Fetchpool({"--retries", "2", "--retry-wait", "0.01", "-o", dir.path()}, url + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(LineFor(r.out, url), ", 3 attempts) -> ")) << r.out;
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
  EXPECT_TRUE(Contains(LineFor(r.out, url), "(stalled: no data for 1s, ")) << r.out;
}

TEST_F(ResilienceTest, MaxSizeEndsAnEndlessBodyAndRefusesALargeOne) {
  const std::string endless = server_.url("/endless");
  const std::string large = server_.url("/size/100000");
  const std::string fits = server_.url("/size/65536");
  ProcessResult r = Fetchpool({"--max-size", "64K"}, Join({endless, large, fits}));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(LineFor(r.out, endless), "[FAIL]")) << r.out;
  EXPECT_TRUE(Contains(LineFor(r.out, endless), "(body larger than 64.0KB, ")) << r.out;
  EXPECT_TRUE(Contains(LineFor(r.out, large), "(body larger than 64.0KB, ")) << r.out;
  EXPECT_TRUE(LineFor(r.out, fits).starts_with("[OK]")) << r.out;
  EXPECT_TRUE(server_.WaitUntilIdle(3s)) << "the endless transfer was really abandoned";
}

TEST_F(ResilienceTest, PerHostLimitHoldsAtTheServerWithoutBlockingOtherHosts) {
  std::vector<std::string> urls;
  // One slow host's URLs first: a worker that waited for that host's slot would leave the other
  // host's URLs behind them.
  for (int i = 0; i < 6; ++i) urls.push_back(server_.url("/delay/400"));
  for (int i = 0; i < 4; ++i) urls.push_back(server_.url_for_host("localhost", "/size/1"));
  ProcessResult r = Fetchpool({"-w", "4", "--per-host", "2"}, Join(urls));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "10 total, 10 ok")) << r.out;
  EXPECT_LE(server_.max_in_flight_for_host("127.0.0.1"), 2);
  EXPECT_LE(server_.max_in_flight_for_host("localhost"), 2);
  // Lines come in completion order: the other host was served while the slow one was busy.
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(Contains(lines[i], "localhost")) << r.out;
}

TEST_F(ResilienceTest, RateSpacesRequestStartsAtTheServer) {
  std::vector<std::string> urls;
  for (int i = 0; i < 6; ++i) urls.push_back(server_.url("/size/1"));
  ProcessResult r = Fetchpool({"-w", "4", "--rate", "10/s"}, Join(urls));
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
  ProcessResult r = Fetchpool({"-w", "1", "--max-failures", "2"}, Join(urls));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "Summary: 2 total, 0 ok, 2 failed")) << r.out;
  EXPECT_TRUE(Contains(r.err, "stopped early after 2 failures")) << r.err;
  EXPECT_EQ(server_.request_count(), 2u);
}

TEST_F(ResilienceTest, MaxTimeStopsTheRunLikeCtrlCButExitsOne) {
  const std::string slow = server_.url("/delay/10000");
  const std::string quick = server_.url("/size/1");
  const Clock::time_point t0 = Clock::now();
  ProcessResult r = Fetchpool({"--max-time", "0.5"}, Join({slow, quick}));
  EXPECT_LT(Clock::now() - t0, 3s);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(LineFor(r.out, quick).starts_with("[OK]")) << r.out;
  EXPECT_TRUE(LineFor(r.out, slow).empty()) << "aborted, not a verdict: " << r.out;
  EXPECT_TRUE(Contains(r.err, "stopped by --max-time after 0.5s")) << r.err;
  EXPECT_TRUE(Contains(r.err, "1 transfer in progress was aborted")) << r.err;
}

// --- request controls ---

TEST_F(ResilienceTest, HeadersCredentialsAndUserAgentReachTheServer) {
  const std::string url = server_.url("/headers");
  const std::string input = Join({
      url + " contains=GET%20/headers",
      url + " contains=X-Test:%20hello%20world",
      url + " contains=X-Second:%202",
      url + " contains=Authorization:%20Basic%20dXNlcjpwYXNz",  // user:pass
      url + " contains=User-Agent:%20agent/1.0",
  });
  ProcessResult r = Fetchpool({"-H", "X-Test: hello world", "--header", "X-Second: 2", "-u",
                               "user:pass", "-A", "agent/1.0"},
                              input);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "5 total, 5 ok")) << r.out;
}

TEST_F(ResilienceTest, DefaultUserAgentNamesFetchpool) {
  ProcessResult r = Fetchpool({}, server_.url("/headers") + " contains=User-Agent:%20fetchpool/\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(ResilienceTest, HeadFallsBackToGetOn405) {
  const std::string no_head = server_.url("/no-head");
  const std::string sized = server_.url("/size/2048");
  ProcessResult r = Fetchpool({"--head"}, Join({no_head, sized}));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(LineFor(r.out, no_head).starts_with("[OK]")) << r.out;
  EXPECT_FALSE(Contains(LineFor(r.out, no_head), "attempts")) << "a fallback is not a retry";
  EXPECT_TRUE(Contains(LineFor(r.out, sized), "(0.0KB, ")) << "HEAD: no body: " << r.out;
  EXPECT_EQ(server_.request_count(), 3u) << "HEAD, then GET for /no-head; HEAD for /size";
}

TEST_F(ResilienceTest, RedirectLimitsAndNoFollow) {
  const std::string three = server_.url("/redirect/3");
  const std::string two = server_.url("/redirect/2");
  ProcessResult r = Fetchpool({"--max-redirs", "2"}, Join({three, two}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(LineFor(r.out, three), "(too many redirects (more than 2), ")) << r.out;
  EXPECT_TRUE(LineFor(r.out, two).starts_with("[OK]")) << r.out;

  server_.ResetCounters();
  r = Fetchpool({"--no-follow"}, three + "\n");
  EXPECT_EQ(r.exit_code, 0) << "a 302 is ok by the default --accept: " << r.out;
  EXPECT_EQ(server_.request_count(), 1u);

  r = Fetchpool({"--no-follow", "--accept", "200-299"}, three + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(LineFor(r.out, three), "(HTTP 302, ")) << r.out;
}

TEST_F(ResilienceTest, AcceptDecidesWhichStatusesAreOkAndLineChecksOverrideIt) {
  const std::string missing = server_.url("/status/404");
  const std::string empty = server_.url("/status/204");
  const std::string error = server_.url("/status/500");
  ProcessResult r =
      Fetchpool({"--accept", "200,404"}, Join({missing, empty, error + " status=500"}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(LineFor(r.out, missing).starts_with("[OK]")) << r.out;
  EXPECT_TRUE(Contains(LineFor(r.out, empty), "(HTTP 204, ")) << r.out;
  EXPECT_TRUE(LineFor(r.out, error).starts_with("[OK]")) << r.out;
}

TEST_F(ResilienceTest, Http2AsksForAnUpgradeOnCleartext) {
  ProcessResult r = Fetchpool({"--http2"}, server_.url("/headers") + " contains=Upgrade:%20h2c\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Fetchpool({"--http1.1"}, server_.url("/headers") + " contains=Upgrade:%20h2c\n");
  EXPECT_EQ(r.exit_code, 1) << "HTTP/1.1 only: no upgrade offered: " << r.out;
}

TEST_F(ResilienceTest, BadOptionValuesExitTwoWithOneLine) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--rate", "fast"}, {"--max-size", "10T"}, {"-H", "nonsense"}, {"--retries", "x"}}) {
    ProcessResult r = Fetchpool(args, "");
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

// A one-connection forward proxy: answers 200 "proxied" and remembers the request line.
class LoopbackProxy {
 public:
  LoopbackProxy() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 4) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len)) {
      ADD_FAILURE() << "cannot listen";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::jthread([this] { Serve(); });
  }
  ~LoopbackProxy() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string request_line() {
    std::lock_guard lock(mutex_);
    return request_line_;
  }

 private:
  void Serve() {
    const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return;
    std::string head;
    char buf[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
      if (n <= 0) break;
      head.append(buf, static_cast<std::size_t>(n));
    }
    {
      std::lock_guard lock(mutex_);
      request_line_ = head.substr(0, head.find("\r\n"));
    }
    const std::string reply =
        "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nproxied";
    [[maybe_unused]] ssize_t sent = ::send(conn, reply.data(), reply.size(), MSG_NOSIGNAL);
    ::close(conn);
  }

  int fd_ = -1;
  int port_ = 0;
  std::jthread thread_;
  std::mutex mutex_;
  std::string request_line_;
};

TEST(ResilienceProxyTest, ProxyOptionRoutesThroughTheProxy) {
  LoopbackProxy proxy;
  // .invalid never resolves: only the proxy can answer this.
  ProcessResult r =
      Fetchpool({"--proxy", proxy.url()}, "http://fetchpool.invalid/x contains=proxied\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(proxy.request_line(), "GET http://fetchpool.invalid/x HTTP/1.1");
}

TEST(ResilienceProxyTest, HttpProxyEnvironmentVariableStillWorks) {
  LoopbackProxy proxy;
  SubprocessOptions opts = CleanEnv();
  opts.env_set = {{"http_proxy", proxy.url()}};
  ProcessResult r = Fetchpool({}, "http://fetchpool.invalid/env contains=proxied\n", opts);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(proxy.request_line(), "GET http://fetchpool.invalid/env HTTP/1.1");
}

}  // namespace
}  // namespace fetchpool
