// Integration tests for the real binary as a process: signals, a closed or
// blocked stdout, colour, --help/--version, streaming and very large inputs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_integration.hpp"
#include "support/cli_runner.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct SignalCase {
  int sig;
  int exit_code;
};

class SignalTest : public CliIntegrationTest, public ::testing::WithParamInterface<SignalCase> {};

TEST_P(SignalTest, AbortsInFlightTransfersPromptlyAndPrintsWhatFinished) {
  Subprocess proc = StartFetchpool({"-w", "4"});
  // Stdin stays open: the reader is blocked too when the signal comes.
  proc.WriteStdin(U("/size/10") + "\n" + U("/size/20") + "\n");
  for (int i = 0; i < 4; ++i) proc.WriteStdin(U("/delay/10000") + "\n");
  ASSERT_TRUE(Eventually([&] { return Count(proc.StdoutSoFar(), "[OK]") == 2; }))
      << proc.StdoutSoFar() << proc.StderrSoFar();
  ASSERT_TRUE(Eventually([&] { return server_.in_flight() == 4; })) << server_.in_flight();
  const auto signalled = Clock::now();
  proc.Signal(GetParam().sig);
  const ProcessResult r = proc.Wait(10s);
  const double took = SecondsSince(signalled);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
  EXPECT_LT(took, 1.5);
  const auto lines = ResultLines(r.out);
  EXPECT_EQ(lines.size(), 2u) << r.out;
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, 2u);
  EXPECT_EQ(summary->ok, 2u);
  EXPECT_EQ(summary->failed, 0u);
  EXPECT_TRUE(Has(r.err, "4 transfers in progress were aborted")) << r.err;
  EXPECT_EQ(Count(r.err, "\n"), 1u) << r.err;
  // The aborted transfers' connections are really gone.
  EXPECT_TRUE(server_.WaitUntilIdle(3s));
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalTest,
                         ::testing::Values(SignalCase{SIGINT, 130}, SignalCase{SIGTERM, 143},
                                           SignalCase{SIGHUP, 129}),
                         [](const ::testing::TestParamInfo<SignalCase>& info) {
                           return std::string(sigabbrev_np(info.param.sig));
                         });

TEST_F(CliIntegrationTest, SigintWhileReaderWaitsOnAnOpenEmptyStdin) {
  Subprocess proc = StartFetchpool({});
  // One URL proves the pipeline (and its signal handling) is up; then stdin
  // stays open with nothing more to read.
  proc.WriteStdin(U("/size/1") + "\n");
  ASSERT_TRUE(proc.WaitForStdout("[OK]", 10s)) << proc.StderrSoFar();
  ASSERT_TRUE(Eventually([&] { return proc.StdoutSoFar().ends_with("\n"); }));
  const auto signalled = Clock::now();
  proc.Signal(SIGINT);
  const ProcessResult r = proc.Wait(10s);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(SecondsSince(signalled), 1.5);
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, 1u);
  EXPECT_EQ(summary->ok, 1u);
}

// Many idle workers wait for jobs when the signal comes; each wait must give
// way to the stop at once. Repeated, because a race there shows up as a hang
// in only some runs.
TEST_F(CliIntegrationTest, SigintWithManyIdleWorkersExitsPromptly) {
  for (int run = 0; run < 8; ++run) {
    Subprocess proc = StartFetchpool({"-w", "100"});
    proc.WriteStdin(U("/size/1") + "\n");
    ASSERT_TRUE(proc.WaitForStdout("[OK]", 10s)) << proc.StderrSoFar();
    ASSERT_TRUE(Eventually([&] { return proc.StdoutSoFar().ends_with("\n"); }));
    const auto signalled = Clock::now();
    proc.Signal(SIGINT);
    const ProcessResult r = proc.Wait(5s);
    ASSERT_FALSE(r.timed_out) << "hung after SIGINT in run " << run;
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_LT(SecondsSince(signalled), 1.5) << "run " << run;
    ASSERT_TRUE(LastSummary(r.out)) << r.out;
  }
}

TEST_F(CliIntegrationTest, SecondSignalExitsAtOnceEvenWithStdoutBlocked) {
  TempDir dir;
  std::string list;
  for (int i = 0; i < 3000; ++i) list += U("/size/0") + "\n";
  const std::string urls = dir.Write("urls.txt", list);
  // stdout is a FIFO we hold open but never read: once the pipe buffer is
  // full, fetchpool's writes block and the pipeline backs up.
  const std::string fifo = dir / "out.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  // A second signal abandons the threads on purpose (_exit); under
  // ThreadSanitizer that is not a leak worth reporting.
  const char* tsan = std::getenv("TSAN_OPTIONS");
  const std::string tsan_options =
      std::string(tsan != nullptr ? tsan : "") + " report_thread_leaks=0";
  Subprocess proc = Subprocess::Start(
      {"/bin/sh", "-c", "exec \"$0\" \"$@\" > \"$FIFO\"", FETCHPOOL_BINARY, "-w", "4", urls},
      SubprocessOptions{.env_set = {{"FIFO", fifo}, {"TSAN_OPTIONS", tsan_options}}});
  std::size_t seen = 0;
  ASSERT_TRUE(Eventually([&] {
    std::this_thread::sleep_for(100ms);
    const std::size_t now = server_.request_count();
    const bool stuck = now > 0 && now == seen;
    seen = now;
    return stuck;
  }));
  EXPECT_LT(seen, 3000u) << "the output never blocked";
  proc.Signal(SIGTERM);
  // The first signal may have to wait for stdout; a second one must not.
  Eventually([&] { return !proc.StderrSoFar().empty(); }, 1000ms);
  proc.Signal(SIGTERM);
  const auto second = Clock::now();
  const ProcessResult r = proc.Wait(10s);
  ::close(reader);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 143) << r.err;
  EXPECT_LT(SecondsSince(second), 1.5);
}

TEST_F(CliIntegrationTest, ClosedStdoutStopsCleanlyWithoutSigpipe) {
  Subprocess proc = StartFetchpool({"-w", "4"});
  std::string batch;
  for (int i = 0; i < 50; ++i) batch += U("/size/100") + "\n";
  proc.WriteStdin(batch);
  ASSERT_TRUE(proc.WaitForStdout("\n", 10s)) << proc.StderrSoFar();
  proc.CloseStdoutReader();  // like `fetchpool | head -1`
  const auto closed = Clock::now();
  // More results must now be written to a closed pipe; stdin stays open.
  proc.WriteStdin(batch);
  const ProcessResult r = proc.Wait(10s);
  ASSERT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_LT(SecondsSince(closed), 5.0);
  // EPIPE is expected, not an error worth a message.
  EXPECT_EQ(r.err, "");
}

TEST_F(CliIntegrationTest, ClosedStdoutWithAFiniteFileExitsToo) {
  TempDir dir;
  std::string list;
  for (int i = 0; i < 3000; ++i) list += U("/size/10") + "\n";
  Subprocess proc = StartFetchpool({"-w", "2", dir.Write("urls.txt", list)});
  ASSERT_TRUE(proc.WaitForStdout("\n", 10s)) << proc.StderrSoFar();
  proc.CloseStdoutReader();
  const ProcessResult r = proc.Wait(10s);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, 0);
  // 0 only if every line had already been written before the reader closed.
  EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 0) << r.exit_code << r.err;
}

TEST_F(CliIntegrationTest, NoColourOnAPipeWhateverNoColorSays) {
  const std::string input = U("/size/1") + "\n" + U("/status/404") + "\n";
  for (const char* no_color : std::vector<const char*>{"", "1", nullptr}) {
    SubprocessOptions opts;
    if (no_color == nullptr) {
      opts.env_unset = {"NO_COLOR"};
    } else {
      opts.env_set = {{"NO_COLOR", no_color}};
    }
    const ProcessResult r = RunFetchpool({}, input, kRunTimeout, opts);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
    EXPECT_EQ(Count(r.out, "\n"), 3u) << r.out;
  }
  const ProcessResult never = RunFetchpool({"--color", "never"}, input);
  EXPECT_EQ(never.out.find('\x1b'), std::string::npos) << never.out;
}

TEST_F(CliIntegrationTest, ColorAlwaysColoursOnlyTheTag) {
  SubprocessOptions opts;
  opts.env_set = {{"NO_COLOR", "1"}};  // --color always wins
  const ProcessResult r = RunFetchpool(
      {"--color", "always"}, U("/size/1") + "\n" + U("/status/404") + "\n", kRunTimeout, opts);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_NE(OnlyMatch(lines, std::regex("^\x1b\\[32m\\[OK\\]\x1b\\[0m   " +
                                        RegexEscape(U("/size/1")) + R"( \(0\.0KB, \d+ms\)$)")),
            "")
      << r.out;
  EXPECT_NE(
      OnlyMatch(lines, std::regex("^\x1b\\[31m\\[FAIL\\]\x1b\\[0m " +
                                  RegexEscape(U("/status/404")) + R"( \(HTTP 404, \d+ms\)$)")),
      "")
      << r.out;
  EXPECT_TRUE(LastSummary(r.out)) << "the summary is not coloured: " << r.out;
}

TEST_F(CliIntegrationTest, AutoColourOnATerminalUnlessNoColor) {
  TempDir dir;
  const std::string list = dir.Write("urls.txt", U("/size/1") + "\n");
  const std::vector<std::string> argv = {FETCHPOOL_BINARY, list};
  PtyOptions tty;
  tty.stdout_on_pty = true;
  tty.env_unset = {"NO_COLOR"};
  PtyResult r = RunOnPty(argv, tty);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Has(r.tty, "\x1b[32m[OK]\x1b[0m   " + U("/size/1") + " ("));

  tty.env_unset.clear();
  tty.env_set = {{"NO_COLOR", ""}};  // empty counts as unset
  r = RunOnPty(argv, tty);
  EXPECT_TRUE(Has(r.tty, "\x1b[32m[OK]\x1b[0m   "));

  tty.env_set = {{"NO_COLOR", "1"}};
  r = RunOnPty(argv, tty);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Has(r.tty, "[OK]   " + U("/size/1") + " ("));
  EXPECT_EQ(r.tty.find("\x1b[32m"), std::string::npos) << r.tty;
}

TEST_F(CliIntegrationTest, HelpListsTheFlags) {
  for (const char* flag : {"--help", "-h"}) {
    const ProcessResult r = RunFetchpool({flag});
    EXPECT_EQ(r.exit_code, 0) << flag;
    EXPECT_EQ(r.err, "") << flag;
    for (const char* option : {"--workers", "--timeout", "--connect-timeout", "--stall-timeout",
                               "--max-redirs", "--color", "--version"}) {
      EXPECT_TRUE(Has(r.out, option)) << flag;
    }
  }
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(CliIntegrationTest, VersionNamesFetchpoolAndLibcurl) {
  for (const char* flag : {"--version", "-V"}) {
    const ProcessResult r = RunFetchpool({flag});
    EXPECT_EQ(r.exit_code, 0) << flag;
    EXPECT_EQ(r.err, "") << flag;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(^fetchpool \d+\.\d+\.\d+)"))) << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nlibcurl \d+\.\d+\.\d+)"))) << r.out;
    EXPECT_TRUE(Has(r.out, "features:"));
  }
}

TEST_F(CliIntegrationTest, ResultsReachAPipeBeforeStdinIsClosed) {
  Subprocess proc = StartFetchpool({"-w", "1"});
  proc.WriteStdin(U("/delay/200") + "\n");
  ASSERT_TRUE(proc.WaitForStdout("[OK]", 10s)) << proc.StderrSoFar();
  for (int i = 2; i <= 4; ++i) {
    proc.WriteStdin(U("/delay/100") + "\n");
    ASSERT_TRUE(Eventually([&] { return Count(proc.StdoutSoFar(), "[OK]") == std::size_t(i); }))
        << proc.StdoutSoFar();
  }
  EXPECT_FALSE(LastSummary(proc.StdoutSoFar()));
  proc.CloseStdin();
  const ProcessResult r = proc.Wait(10s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, 4u);
}

TEST_F(CliIntegrationTest, HundredThousandInvalidLinesAreAllCounted) {
  std::string input;
  input.reserve(100000 * 16);
  for (int i = 0; i < 100000; ++i) input += "not-a-url-" + std::to_string(i) + "\n";
  const ProcessResult r = RunFetchpool({}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Count(r.out, "\n"), 100001u);
  EXPECT_EQ(Count(r.out, "[FAIL] not-a-url-"), 100000u);
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out.substr(r.out.size() - 200);
  EXPECT_EQ(summary->total, 100000u);
  EXPECT_EQ(summary->failed, 100000u);
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(CliIntegrationTest, FiveThousandFetchesAreAllCounted) {
  std::string input;
  for (int i = 0; i < 5000; ++i) input += U("/size/0") + "\n";
  const ProcessResult r = RunFetchpool({"-w", "8"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count(r.out, "[OK]   "), 5000u);
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out.substr(r.out.size() - 200);
  EXPECT_EQ(summary->total, 5000u);
  EXPECT_EQ(summary->ok, 5000u);
  EXPECT_EQ(server_.request_count(), 5000u);
}

TEST_F(CliIntegrationTest, OverlongLineIsOneFailureAndReadingGoesOn) {
  const std::string huge = "http://127.0.0.1/" + std::string(70000, 'a');
  const ProcessResult r = RunFetchpool({}, huge + "\n" + U("/size/1") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out.size();
  EXPECT_NE(
      OnlyMatch(
          lines,
          std::regex(
              R"(^\[FAIL\] http://127\.0\.0\.1/a+\.\.\. \(line too long \(over 65536 bytes\), \d+ms\)$)")),
      "");
  EXPECT_NE(OnlyMatch(lines, OkLine(U("/size/1"), "0.0KB")), "");
  for (const auto& line : lines) EXPECT_LT(line.size(), 1000u);
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->total, 2u);
}

}  // namespace
}  // namespace fetchpool::testing
