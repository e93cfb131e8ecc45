// Tests of the test-support code itself: the loopback TestServer (Subprocess
// is in subprocess_test.cpp). Other integration tests rely on these behaving exactly.
#include "support/test_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/subprocess.hpp"

namespace fetchpool::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

httplib::Client MakeClient(const TestServer& server) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(2s);
  client.set_read_timeout(5s);
  return client;
}

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

std::string Pattern(std::size_t first, std::size_t length) {
  std::string out;
  for (std::size_t i = first; i < first + length; ++i) {
    out.push_back(static_cast<char>('a' + i % 26));
  }
  return out;
}

TEST(TestServerTest, SizeServesExactBytesWithoutBufferingLargeBodies) {
  TestServer server;
  auto client = MakeClient(server);

  auto small = client.Get("/size/10");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200);
  EXPECT_EQ(small->body, "xxxxxxxxxx");
  EXPECT_EQ(small->get_header_value("Content-Length"), "10");

  auto large = client.Get("/size/1000000");
  ASSERT_TRUE(large);
  EXPECT_EQ(large->body.size(), 1000000u);
  EXPECT_TRUE(std::all_of(large->body.begin(), large->body.end(), [](char c) { return c == 'x'; }));

  // 5 GB would be impossible to build in memory; HEAD proves the length.
  auto huge = client.Head("/size/5000000000");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 200);
  EXPECT_EQ(huge->get_header_value("Content-Length"), "5000000000");
  EXPECT_TRUE(huge->body.empty());
}

TEST(TestServerTest, StatusAndRetryAfter) {
  TestServer server;
  auto client = MakeClient(server);
  auto busy = client.Get("/status/503?retry_after=7");
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->get_header_value("Retry-After"), "7");

  auto missing = client.Get("/status/404");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_FALSE(missing->has_header("Retry-After"));
}

TEST(TestServerTest, RedirectChainsAndArbitraryTargets) {
  TestServer server;
  auto client = MakeClient(server);
  auto hop = client.Get("/redirect/3");
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->status, 302);
  EXPECT_EQ(hop->get_header_value("Location"), "/redirect/2");

  client.set_follow_location(true);
  auto done = client.Get("/redirect/3");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(done->body, "done");

  client.set_follow_location(false);
  auto file = client.Get("/redirect-to?url=file%3A%2F%2F%2Fetc%2Fpasswd");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 302);
  EXPECT_EQ(file->get_header_value("Location"), "file:///etc/passwd");
}

TEST(TestServerTest, FlakyFailsPerKeyThenSucceeds) {
  TestServer server;
  auto client = MakeClient(server);
  const std::string path = "/flaky?key=a&fails=2&retry_after=1";
  for (int i = 0; i < 2; ++i) {
    auto res = client.Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
    EXPECT_EQ(res->get_header_value("Retry-After"), "1");
  }
  auto ok = client.Get(path);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "ok");

  auto other = client.Get("/flaky?key=b&fails=1&status=429");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 429);
  EXPECT_FALSE(other->has_header("Retry-After"));

  EXPECT_EQ(server.request_count(), 4u);
  server.ResetCounters();
  EXPECT_EQ(server.request_count(), 0u);
  auto again = client.Get(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 503);
  EXPECT_EQ(server.request_paths(), std::vector<std::string>{path});
}

TEST(TestServerTest, RangeIsHonouredOnlyByRangeEndpoint) {
  TestServer server;
  auto client = MakeClient(server);
  auto tail = client.Get("/range/100", {{"Range", "bytes=90-"}});
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(tail->get_header_value("Content-Range"), "bytes 90-99/100");
  EXPECT_EQ(tail->body, Pattern(90, 10));

  auto full = client.Get("/range/100");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 200);
  EXPECT_EQ(full->body, Pattern(0, 100));

  auto beyond = client.Get("/range/100", {{"Range", "bytes=100-"}});
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->status, 416);
  EXPECT_EQ(beyond->get_header_value("Content-Range"), "bytes */100");

  auto big_tail = client.Get("/range/200000", {{"Range", "bytes=199990-"}});
  ASSERT_TRUE(big_tail);
  EXPECT_EQ(big_tail->body, Pattern(199990, 10));

  // httplib itself would advertise "bytes" on every HEAD.
  auto head_range = client.Head("/range/100");
  ASSERT_TRUE(head_range);
  EXPECT_EQ(head_range->get_header_value("Accept-Ranges"), "bytes");
  auto head_norange = client.Head("/norange/100");
  ASSERT_TRUE(head_norange);
  EXPECT_EQ(head_norange->get_header_value("Accept-Ranges"), "none");

  auto ignored = client.Get("/norange/100", {{"Range", "bytes=90-"}});
  ASSERT_TRUE(ignored);
  EXPECT_EQ(ignored->status, 200);
  EXPECT_FALSE(ignored->has_header("Content-Range"));
  EXPECT_EQ(ignored->body, Pattern(0, 100));
}

TEST(TestServerTest, HeadersEchoedAndNothingCompressed) {
  TestServer server;
  auto client = MakeClient(server);
  auto res = client.Get("/headers", {{"X-Test", "yes"}, {"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body.rfind("GET /headers\n", 0), 0u) << res->body;
  EXPECT_NE(res->body.find("X-Test: yes\n"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("Accept-Encoding: gzip\n"), std::string::npos) << res->body;
  EXPECT_EQ(res->body.find("REMOTE_ADDR"), std::string::npos) << res->body;
  EXPECT_FALSE(res->has_header("Content-Encoding"));
}

TEST(TestServerTest, BytesTruncatedNoHeadAndContentDisposition) {
  TestServer server;
  auto client = MakeClient(server);
  auto bytes = client.Get("/bytes?hex=00ff41");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->body, std::string("\x00\xff\x41", 3));

  auto truncated = client.Get("/truncated");
  EXPECT_FALSE(truncated);  // Content-Length 1000, EOF after 100 bytes.

  auto head = client.Head("/no-head");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 405);
  auto get = client.Get("/no-head");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "body");

  auto cd = client.Get("/content-disposition?name=..%2Fevil%20file.txt");
  ASSERT_TRUE(cd);
  EXPECT_EQ(cd->get_header_value("Content-Disposition"),
            "attachment; filename=\"../evil file.txt\"");
  EXPECT_EQ(cd->body, "cd");
}

TEST(TestServerTest, DripSendsBytesSpacedOut) {
  TestServer server;
  auto client = MakeClient(server);
  const auto start = Clock::now();
  auto res = client.Get("/drip?bytes=3&interval_ms=50");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "xxx");
  EXPECT_GE(Clock::now() - start, 100ms);
  EXPECT_TRUE(server.WaitUntilIdle(2s));
  EXPECT_EQ(server.in_flight(), 0);
}

TEST(TestServerTest, CountsConcurrentRequestsPerHostAndStopsQuickly) {
  auto server = std::make_unique<TestServer>();
  const int port = server->port();
  constexpr int kLocal = 48;
  constexpr int kOther = 16;
  std::vector<std::thread> clients;
  for (int i = 0; i < kLocal + kOther; ++i) {
    clients.emplace_back([port, i] {
      httplib::Client client("127.0.0.1", port);
      httplib::Headers headers;
      if (i >= kLocal) headers.emplace("Host", "localhost:" + std::to_string(port));
      client.Get("/delay/10000", headers);  // Cut short by the destructor.
    });
  }
  ASSERT_TRUE(Eventually([&] { return server->in_flight() == kLocal + kOther; }, 4s))
      << server->in_flight();
  EXPECT_EQ(server->max_in_flight(), kLocal + kOther);
  EXPECT_EQ(server->max_in_flight_for_host("127.0.0.1"), kLocal);
  EXPECT_EQ(server->max_in_flight_for_host("localhost"), kOther);
  EXPECT_EQ(server->request_times().size(), static_cast<std::size_t>(kLocal + kOther));
  const auto start = Clock::now();
  server.reset();
  // Generous for sanitizer builds on a busy machine; httplib alone would take its 5 s keep-alive.
  EXPECT_LT(Clock::now() - start, 2500ms);
  for (auto& t : clients) t.join();
}

TEST(TestServerTest, DestructorInterruptsStreamsAndIdleConnections) {
  auto server = std::make_unique<TestServer>();
  const int port = server->port();
  std::atomic<std::size_t> endless_bytes{0};
  std::vector<std::thread> clients;
  for (const char* path :
       {"/endless", "/stall-after-headers", "/drip?bytes=100&interval_ms=1000", "/delay/10000"}) {
    clients.emplace_back([port, path, &endless_bytes] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(30s);
      client.Get(path, [&](const char*, size_t n) {
        endless_bytes += n;
        return true;
      });
    });
  }
  // An idle keep-alive connection that httplib itself would hold for 5 s.
  httplib::Client idle("127.0.0.1", port);
  idle.set_keep_alive(true);
  ASSERT_TRUE(idle.Get("/size/1"));
  ASSERT_TRUE(Eventually([&] { return server->in_flight() == 4 && endless_bytes > 0; }, 3s))
      << server->in_flight();
  const auto start = Clock::now();
  server.reset();
  // Generous for sanitizer builds on a busy machine; httplib alone would take its 5 s keep-alive.
  EXPECT_LT(Clock::now() - start, 2500ms);
  for (auto& t : clients) t.join();
}

TEST(TestServerTest, ClientHangupEndsStreamingHandlers) {
  TestServer server;
  auto client = MakeClient(server);
  std::size_t received = 0;
  auto endless = client.Get("/endless", [&](const char*, size_t n) {
    received += n;
    return received < 100000;  // Then hang up.
  });
  EXPECT_FALSE(endless);
  client.set_read_timeout(200ms);
  EXPECT_FALSE(client.Get("/stall-after-headers"));
  EXPECT_TRUE(server.WaitUntilIdle(3s));
}

TEST(TestServerTest, RawPortsDropAndStall) {
  TestServer server;
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  char buf[64];

  int drop = ConnectLoopback(server.drop_port());
  ASSERT_GE(drop, 0);
  ASSERT_EQ(::send(drop, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  EXPECT_EQ(::recv(drop, buf, sizeof(buf), 0), 0);  // EOF, not a byte of reply.
  ::close(drop);

  int stall = ConnectLoopback(server.stall_port());
  ASSERT_GE(stall, 0);
  ASSERT_EQ(::send(stall, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  pollfd p{stall, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 200), 0);
  ::close(stall);
}

TEST(TestServerTest, RefusedPortRefuses) {
  const int port = RefusedPort();
  EXPECT_EQ(ConnectLoopback(port), -1);
  EXPECT_EQ(errno, ECONNREFUSED);
}

TEST(TestServerBinaryTest, ServesUntilStdinEofOrSigterm) {
  for (bool use_signal : {false, true}) {
    std::vector<std::string> argv = {FETCHPOOL_TESTSERVER_BINARY};
    if (!use_signal) argv.push_back("--until-stdin-eof");
    auto proc = Subprocess::Start(argv);
    ASSERT_TRUE(proc.WaitForStdout("\n", 5s)) << proc.StderrSoFar();
    std::string url = proc.StdoutSoFar();
    url.pop_back();
    ASSERT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
    httplib::Client client(url);
    auto res = client.Get("/size/3");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "xxx");
    if (use_signal) {
      proc.Signal(SIGTERM);
    } else {
      proc.CloseStdin();
    }
    auto result = proc.Wait(5s);
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.exit_code, 0) << result.err;
  }
}

}  // namespace
}  // namespace fetchpool::testing
