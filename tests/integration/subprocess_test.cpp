// Tests of the test-support Subprocess runner, which every integration test
// uses to drive the real binary.
#include "support/subprocess.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <string>
#include <system_error>

namespace fetchpool::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(SubprocessTest, CatEchoesStdin) {
  std::string input;
  for (int i = 0; i < 20000; ++i) input += "line " + std::to_string(i) + "\n";  // > pipe buffer.
  auto result = RunProcess({"cat"}, input, 5s);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.out, input);
}

TEST(SubprocessTest, ExitCodeStderrAndEnvironment) {
  ASSERT_EQ(::setenv("FETCHPOOL_SUBPROCESS_TEST_UNSET", "present", 1), 0);
  SubprocessOptions opts;
  opts.env_set = {{"FOO", "bar"}};
  opts.env_unset = {"FETCHPOOL_SUBPROCESS_TEST_UNSET"};
  auto result =
      RunProcess({"/bin/sh", "-c",
                  "echo \"$FOO|${FETCHPOOL_SUBPROCESS_TEST_UNSET-unset}\"; echo oops >&2; exit 3"},
                 "", 5s, opts);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.term_signal, 0);
  EXPECT_EQ(result.out, "bar|unset\n");
  EXPECT_EQ(result.err, "oops\n");
}

TEST(SubprocessTest, ChattyChildNeverBlocks) {
  auto result = RunProcess(
      {"/bin/sh", "-c", "head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2"}, "", 10s);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.size(), 1000000u);
  EXPECT_EQ(result.err.size(), 1000000u);
}

TEST(SubprocessTest, SignalReachesChildEvenIfParentBlocksIt) {
  // The child must not inherit our signal mask.
  sigset_t term;
  sigset_t old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &old);
  auto proc = Subprocess::Start({"sleep", "10"});
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  proc.Signal(SIGTERM);
  auto result = proc.Wait(5s);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, -1);
  EXPECT_EQ(result.term_signal, SIGTERM);
  proc.Signal(SIGTERM);  // Reaped: must be a harmless no-op.
}

TEST(SubprocessTest, TimeoutKills) {
  const auto start = Clock::now();
  auto result = RunProcess({"sleep", "10"}, "", 100ms);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.term_signal, SIGKILL);
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST(SubprocessTest, ClosedStdoutGivesChildDefaultSigpipe) {
  // httplib servers set SIGPIPE to SIG_IGN process-wide; children must not
  // inherit that.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  auto proc = Subprocess::Start({"yes"});
  ::sigaction(SIGPIPE, &previous, nullptr);
  ASSERT_TRUE(proc.WaitForStdout("y\ny\n", 5s));
  proc.CloseStdoutReader();
  auto result = proc.Wait(5s);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.term_signal, SIGPIPE);
}

TEST(SubprocessTest, InteractiveStdinAndStdout) {
  auto proc = Subprocess::Start({"cat"});
  proc.WriteStdin("ping\n");
  EXPECT_TRUE(proc.WaitForStdout("ping\n", 5s));
  EXPECT_FALSE(proc.WaitForStdout("never", 20ms));
  proc.CloseStdin();
  auto result = proc.Wait(5s);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "ping\n");
  EXPECT_THROW(Subprocess::Start({"/nonexistent/fetchpool-binary"}), std::system_error);
}

}  // namespace
}  // namespace fetchpool::testing
