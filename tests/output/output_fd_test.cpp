#include "fetchpool/output/output_fd.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

TEST(OutputFdTest, WritesEverythingToAPipeThatIsRead) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  std::string got;
  std::jthread reader([&] {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  });
  const std::string data(1 << 20, 'x');
  {
    OutputFd out(fds[1], {});
    EXPECT_TRUE(out.Write(data).ok());
  }
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(got.size(), data.size());
}

TEST(OutputFdTest, GivesUpOnAStuckPipeShortlyAfterAStop) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);  // nobody ever reads fds[0]
  std::stop_source stop;
  OutputFd out(fds[1], stop.get_token(), 200ms);
  std::jthread stopper([&] {
    std::this_thread::sleep_for(100ms);
    stop.request_stop();
  });
  const auto t0 = std::chrono::steady_clock::now();
  const Status s = out.Write(std::string(1 << 20, 'x'));  // far more than a pipe holds
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(s.errno_code(), ETIMEDOUT) << s.message();
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 2s);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(OutputFdTest, AClosedReaderIsEpipe) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ::close(fds[0]);
  ::signal(SIGPIPE, SIG_IGN);
  OutputFd out(fds[1], {});
  EXPECT_EQ(out.Write("x").errno_code(), EPIPE);
  ::close(fds[1]);
}

}  // namespace
}  // namespace fetchpool
