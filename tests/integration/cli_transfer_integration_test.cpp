// Integration tests for single transfers through the real binary: redirects,
// broken servers, timeouts, the stall guard and worker concurrency.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_integration.hpp"
#include "support/cli_runner.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A 127.0.0.1 port that listens but never accepts, with its accept queue
// already full: the kernel drops further SYNs, so a connect hangs until the
// client's connect timeout.
class BlackholePort {
 public:
  BlackholePort() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_, 0) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    // Fill the queue (backlog 0 still admits one or two, depending on the kernel).
    for (int i = 0; i < 4; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      fillers_.push_back(fd);
    }
    std::this_thread::sleep_for(50ms);  // let the handshakes that can complete complete
  }
  ~BlackholePort() {
    for (int fd : fillers_) ::close(fd);
    if (listener_ >= 0) ::close(listener_);
  }
  BlackholePort(const BlackholePort&) = delete;
  BlackholePort& operator=(const BlackholePort&) = delete;

  int port() const { return port_; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

TEST_F(CliIntegrationTest, RedirectsAreFollowedUpToTheLimit) {
  const ProcessResult r = RunFetchpool(
      {}, U("/redirect/3") + "\n" + U("/redirect/10") + "\n" + U("/redirect/11") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  // "done" is the 4-byte body at the end of the chain.
  EXPECT_NE(OnlyMatch(lines, OkLine(U("/redirect/3"), "0.0KB")), "") << r.out;
  EXPECT_NE(OnlyMatch(lines, OkLine(U("/redirect/10"), "0.0KB")), "") << r.out;
  EXPECT_NE(OnlyMatch(lines, FailLine(U("/redirect/11"), R"(too many redirects \(more than 10\))")),
            "")
      << r.out;

  const ProcessResult two =
      RunFetchpool({"--max-redirs", "2"}, U("/redirect/2") + "\n" + U("/redirect/3") + "\n");
  EXPECT_EQ(two.exit_code, 1) << two.err;
  const auto two_lines = ResultLines(two.out);
  EXPECT_NE(OnlyMatch(two_lines, OkLine(U("/redirect/2"), "0.0KB")), "") << two.out;
  EXPECT_NE(
      OnlyMatch(two_lines, FailLine(U("/redirect/3"), R"(too many redirects \(more than 2\))")), "")
      << two.out;

  const ProcessResult none = RunFetchpool({"--max-redirs", "0"}, U("/redirect/1") + "\n");
  EXPECT_EQ(none.exit_code, 1) << none.out;
  EXPECT_TRUE(Has(none.out, "too many redirects (more than 0)"));
}

TEST_F(CliIntegrationTest, RedirectsOnlyToHttpAndHttps) {
  const std::string to_file = U("/redirect-to?url=" + PercentEncode("file:///etc/passwd"));
  const std::string to_gopher =
      U("/redirect-to?url=" + PercentEncode(U("/size/7").replace(0, 4, "gopher")));
  const std::string to_ftp = U("/redirect-to?url=" + PercentEncode("ftp://127.0.0.1/"));
  const std::string to_http = U("/redirect-to?url=" + PercentEncode(U("/size/2048")));
  const ProcessResult r =
      RunFetchpool({}, to_file + "\n" + to_gopher + "\n" + to_ftp + "\n" + to_http + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_NE(OnlyMatch(lines, FailLine(to_file, "redirect refused: .*file.*")), "") << r.out;
  EXPECT_NE(OnlyMatch(lines, FailLine(to_gopher, "redirect refused: .*gopher.*")), "") << r.out;
  EXPECT_NE(OnlyMatch(lines, FailLine(to_ftp, "redirect refused: .*ftp.*")), "") << r.out;
  EXPECT_NE(OnlyMatch(lines, OkLine(to_http, "2.0KB")), "") << r.out;
  EXPECT_FALSE(Has(r.out, "root:"));
  // Only the four redirecting requests and the allowed target reached the server.
  EXPECT_EQ(server_.request_count(), 5u);
}

TEST_F(CliIntegrationTest, TruncatedBodyFails) {
  const ProcessResult r = RunFetchpool({}, U("/truncated") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_TRUE(std::regex_match(
      lines[0], FailLine(U("/truncated"), R"(truncated body: got 100 of 1000 bytes)")))
      << lines[0];
}

TEST_F(CliIntegrationTest, DroppedConnectionIsAnEmptyReply) {
  const std::string url = "http://127.0.0.1:" + std::to_string(server_.drop_port()) + "/";
  const ProcessResult r = RunFetchpool({}, url + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_TRUE(std::regex_match(lines[0], FailLine(url, "empty reply from server"))) << lines[0];
}

TEST_F(CliIntegrationTest, TimeoutLimitsEachTransfer) {
  const auto start = Clock::now();
  const ProcessResult r =
      RunFetchpool({"--timeout", "0.5"}, U("/delay/3000") + "\n" + U("/size/10") + "\n");
  const double took = SecondsSince(start);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  const std::string failed =
      OnlyMatch(lines, FailLine(U("/delay/3000"), R"(timed out after 0\.5s)"));
  ASSERT_NE(failed, "") << r.out;
  EXPECT_GE(LineMs(failed), 450);
  EXPECT_LT(LineMs(failed), 2500);
  EXPECT_NE(OnlyMatch(lines, OkLine(U("/size/10"), "0.0KB")), "") << r.out;
  EXPECT_LT(took, 2.8);
}

TEST_F(CliIntegrationTest, StallGuardAbortsSilentTransfers) {
  const std::string silent_port = "http://127.0.0.1:" + std::to_string(server_.stall_port()) + "/";
  const std::string after_headers = U("/stall-after-headers");
  const auto start = Clock::now();
  // A long --timeout does not keep a stalled transfer alive.
  const ProcessResult r = RunFetchpool({"--stall-timeout", "1", "--timeout", "60", "-w", "2"},
                                       silent_port + "\n" + after_headers + "\n");
  const double took = SecondsSince(start);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  for (const std::string& url : {silent_port, after_headers}) {
    const std::string line = OnlyMatch(lines, FailLine(url, R"(stalled: no data for 1s)"));
    ASSERT_NE(line, "") << r.out;
    EXPECT_GE(LineMs(line), 900) << line;
    EXPECT_LT(LineMs(line), 3000) << line;
  }
  EXPECT_LT(took, 4.0);
}

TEST_F(CliIntegrationTest, TimeoutAlsoStopsATransferThatKeepsSendingData) {
  const ProcessResult r = RunFetchpool({"--timeout", "0.5"}, U("/endless") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_TRUE(std::regex_match(lines[0], FailLine(U("/endless"), R"(timed out after 0\.5s)")))
      << lines[0];
}

TEST_F(CliIntegrationTest, ConnectTimeoutGivesUpOnAServerThatNeverAnswers) {
  BlackholePort blackhole;
  ASSERT_NE(blackhole.port(), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(blackhole.port()) + "/";
  const auto start = Clock::now();
  const ProcessResult r = RunFetchpool({"--connect-timeout", "0.5"}, url + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  const std::string line = OnlyMatch(lines, FailLine(url, R"(connect timed out after 0\.5s)"));
  ASSERT_NE(line, "") << r.out;
  EXPECT_GE(LineMs(line), 450);
  EXPECT_LT(SecondsSince(start), 3.0);
}

// The stall guard is about silence ("receives nothing for this long"): a slow
// server that keeps sending is not stalled. Each of these sends a byte every
// 1.1-1.7 s, so no gap reaches the 2 s limit; only --timeout may end them.
// (A guard built on libcurl's LOW_SPEED_LIMIT=1 byte/s averages over a
// window instead, and calls some of them "stalled: no data for 2s".)
TEST_F(CliIntegrationTest, StallGuardSparesSlowButSteadyServers) {
  std::string input;
  for (int interval = 1100; interval <= 1700; interval += 100) {
    input += U("/drip?bytes=100&interval_ms=" + std::to_string(interval)) + "\n";
  }
  const ProcessResult r =
      RunFetchpool({"-w", "7", "--stall-timeout", "2", "--timeout", "4.5"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 7u) << r.out;
  for (const auto& line : lines) {
    EXPECT_TRUE(
        std::regex_match(line, std::regex(R"(^\[FAIL\] \S+ \(timed out after 4\.5s, \d+ms\)$)")))
        << line;
  }
}

TEST_F(CliIntegrationTest, EightWorkersRunEightTransfersAtOnce) {
  std::string input;
  for (int i = 0; i < 8; ++i) input += U("/delay/500") + "\n";
  const auto start = Clock::now();
  const ProcessResult r = RunFetchpool({"-w", "8"}, input);
  const double took = SecondsSince(start);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->ok, 8u);
  EXPECT_EQ(server_.max_in_flight(), 8);
  // One after another would take 4 s.
  EXPECT_LT(took, 2.5);
  EXPECT_LT(summary->elapsed_s, 2.5);
  EXPECT_GE(summary->elapsed_s, 0.49);
}

TEST_F(CliIntegrationTest, FourWorkersNeverRunMoreThanFour) {
  std::string input;
  for (int i = 0; i < 8; ++i) input += U("/delay/500") + "\n";
  const ProcessResult r = RunFetchpool({"-w", "4"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->ok, 8u);
  EXPECT_EQ(server_.max_in_flight(), 4);
  EXPECT_GE(summary->elapsed_s, 0.95);  // two rounds
}

}  // namespace
}  // namespace fetchpool::testing
