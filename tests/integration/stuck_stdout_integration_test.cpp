// A stop must not wait for a stuck stdout: `fetchpool urls | less`, then Ctrl-C while less shows
// the first page. One SIGINT or SIGTERM has to end the run within a short bound, with its exit
// status, however full the pipe is.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "support/cli_runner.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::Eventually;
using testing::ProcessResult;
using testing::Subprocess;
using testing::SubprocessOptions;
using testing::TempDir;
using testing::TestServer;

class StuckStdoutTest : public ::testing::TestWithParam<int> {
 protected:
  TestServer server_;
};

TEST_P(StuckStdoutTest, OneSignalEndsTheRunPromptly) {
  const int sig = GetParam();
  TempDir dir;
  std::string list;
  for (int i = 0; i < 5000; ++i) list += server_.url("/size/0") + "\n";
  testing::WriteFile(dir / "urls.txt", list);
  const std::string fifo = dir / "out.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Held open, never read: once the pipe buffer is full every write blocks.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  for (int attempt = 0; attempt < 6; ++attempt) {
    const std::size_t before = server_.request_count();
    Subprocess proc =
        Subprocess::Start({"/bin/sh", "-c", "exec \"$0\" \"$@\" > \"$FIFO\"", FETCHPOOL_BINARY,
                           "-w", "4", dir / "urls.txt"},
                          SubprocessOptions{.env_set = {{"FIFO", fifo}}, .stdin_pipe = false});
    // Wait until the output has backed up the pipeline (the server stops seeing requests).
    std::size_t seen = 0;
    ASSERT_TRUE(Eventually([&] {
      std::this_thread::sleep_for(50ms);
      const std::size_t now = server_.request_count();
      const bool stuck = now > before && now == seen;
      seen = now;
      return stuck;
    }));
    proc.Signal(sig);
    const auto signalled = Clock::now();
    const ProcessResult r = proc.Wait(10s);
    const double waited = std::chrono::duration<double>(Clock::now() - signalled).count();
    ASSERT_FALSE(r.timed_out) << "attempt " << attempt << ": hung in write()";
    EXPECT_EQ(r.term_signal, 0);
    EXPECT_EQ(r.exit_code, 128 + sig) << r.err;
    EXPECT_LT(waited, 2.0) << "attempt " << attempt;
    // Drain what this attempt left, so the next one starts with an empty pipe.
    char buf[65536];
    while (::read(reader, buf, sizeof buf) > 0) {
    }
  }
  ::close(reader);
}

INSTANTIATE_TEST_SUITE_P(Signals, StuckStdoutTest, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return info.param == SIGINT ? "INT" : "TERM"; });

}  // namespace
}  // namespace fetchpool
