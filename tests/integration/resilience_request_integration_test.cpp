// The real binary against the loopback test server: request controls (headers,
// credentials, user agent, HEAD, redirects, --accept, HTTP/2, bad values) and proxies.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/resilience_integration.hpp"
#include "support/subprocess.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool {
namespace {

using testing::CleanEnv;
using testing::Fetchpool;
using testing::Has;
using testing::JoinLines;
using testing::LineFor;
using testing::ProcessResult;
using testing::ResilienceTest;
using testing::SplitLines;
using testing::SubprocessOptions;

// --- request controls ---

TEST_F(ResilienceTest, HeadersCredentialsAndUserAgentReachTheServer) {
  const std::string url = server_.url("/headers");
  const std::string input = JoinLines({
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
  EXPECT_TRUE(Has(r.out, "5 total, 5 ok")) << r.out;
}

TEST_F(ResilienceTest, DefaultUserAgentNamesFetchpool) {
  ProcessResult r = Fetchpool({}, server_.url("/headers") + " contains=User-Agent:%20fetchpool/\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(ResilienceTest, HeadFallsBackToGetOn405) {
  const std::string no_head = server_.url("/no-head");
  const std::string sized = server_.url("/size/2048");
  ProcessResult r = Fetchpool({"--head"}, JoinLines({no_head, sized}));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(LineFor(r.out, no_head).starts_with("[OK]")) << r.out;
  EXPECT_FALSE(Has(LineFor(r.out, no_head), "attempts")) << "a fallback is not a retry";
  EXPECT_TRUE(Has(LineFor(r.out, sized), "(0.0KB, ")) << "HEAD: no body: " << r.out;
  EXPECT_EQ(server_.request_count(), 3u) << "HEAD, then GET for /no-head; HEAD for /size";
}

TEST_F(ResilienceTest, RedirectLimitsAndNoFollow) {
  const std::string three = server_.url("/redirect/3");
  const std::string two = server_.url("/redirect/2");
  ProcessResult r = Fetchpool({"--max-redirs", "2"}, JoinLines({three, two}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(LineFor(r.out, three), "(too many redirects (more than 2), ")) << r.out;
  EXPECT_TRUE(LineFor(r.out, two).starts_with("[OK]")) << r.out;

  server_.ResetCounters();
  r = Fetchpool({"--no-follow"}, three + "\n");
  EXPECT_EQ(r.exit_code, 0) << "a 302 is ok by the default --accept: " << r.out;
  EXPECT_EQ(server_.request_count(), 1u);

  r = Fetchpool({"--no-follow", "--accept", "200-299"}, three + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(LineFor(r.out, three), "(HTTP 302, ")) << r.out;
}

TEST_F(ResilienceTest, AcceptDecidesWhichStatusesAreOkAndLineChecksOverrideIt) {
  const std::string missing = server_.url("/status/404");
  const std::string empty = server_.url("/status/204");
  const std::string error = server_.url("/status/500");
  ProcessResult r =
      Fetchpool({"--accept", "200,404"}, JoinLines({missing, empty, error + " status=500"}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(LineFor(r.out, missing).starts_with("[OK]")) << r.out;
  EXPECT_TRUE(Has(LineFor(r.out, empty), "(HTTP 204, ")) << r.out;
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
    EXPECT_EQ(SplitLines(r.err).size(), 1u) << r.err;
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
