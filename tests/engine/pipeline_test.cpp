// The whole pipeline — reader, dispatcher, worker pool, printer, sinks — in-process, with a
// fake network, so ordering, back-pressure and every kind of stop run under the sanitizers.
#include "fetchpool/engine/pipeline.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fetchpool/core/job_screen.hpp"
#include "support/fake_fetcher.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using testing::FakeNetwork;
using testing::ReadFile;
using testing::SplitLines;
using testing::TempDir;

// The descriptor limit the runs may use (a common soft limit).
constexpr std::size_t kOpenFiles = 1024;

class PipelineTest : public ::testing::Test {
 protected:
  // Runs `urls` (one per line) through the pipeline; stdout and stderr go to files.
  PipelineOutcome Run(const std::vector<std::string>& urls, std::stop_source stop = {}) {
    std::string list;
    for (const std::string& url : urls) list += url + "\n";
    testing::WriteFile(dir_ / "urls.txt", list);
    options_.input.files = {dir_ / "urls.txt"};
    return RunWithInputs(std::move(stop));
  }

  PipelineOutcome RunWithInputs(std::stop_source stop) {
    const int out = ::open((dir_ / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err = ::open((dir_ / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    PipelineIo io{.make_fetcher = network_.Factory(), .out_fd = out, .err_fd = err};
    PipelineOutcome outcome =
        RunPipeline(RunConfig(options_, kOpenFiles), std::move(io), std::move(stop));
    ::close(out);
    ::close(err);
    return outcome;
  }

  std::vector<std::string> OutLines() const { return SplitLines(ReadFile(dir_ / "out")); }

  // Requests `stop` once `ready` holds (checked every few ms), so a slow sanitizer build still
  // stops at the stage the test means.
  template <typename Ready>
  std::jthread StopWhen(std::stop_source& stop, Ready ready) {
    return std::jthread([&stop, ready] {
      while (!ready()) std::this_thread::sleep_for(2ms);
      std::this_thread::sleep_for(20ms);
      stop.request_stop();
    });
  }

  static std::vector<std::string> Urls(int n, const std::string& path) {
    std::vector<std::string> urls;
    for (int i = 0; i < n; ++i) urls.push_back("http://h" + std::to_string(i % 4) + path);
    return urls;
  }

  TempDir dir_;
  FakeNetwork network_;
  Options options_;
};

TEST_F(PipelineTest, EveryUrlIsReportedOnceAndCounted) {
  std::vector<std::string> urls = Urls(300, "/ok");
  for (int i = 0; i < 50; ++i) urls.push_back("http://h/fail");
  urls.push_back("ftp://h/not-http");
  options_.pool.workers = 8;
  const PipelineOutcome o = Run(urls);
  EXPECT_EQ(o.summary.total, 351u);
  EXPECT_EQ(o.summary.ok, 300u);
  EXPECT_EQ(o.summary.failed, 51u);
  EXPECT_EQ(network_.fetches(), 350u) << "an invalid URL is reported, never fetched";
  const std::vector<std::string> lines = OutLines();
  ASSERT_EQ(lines.size(), 352u);  // and the summary
  EXPECT_TRUE(lines.back().starts_with("Summary: 351 total, 300 ok, 51 failed")) << lines.back();
}

// The fetcher reports facts; the verdict decides with the run's --accept and --warn and each
// line's checks, so a fake network exercises them as the real one would.
TEST_F(PipelineTest, AcceptWarnAndLineChecksDecideWhatTheFactsMean) {
  options_.verdict.accept = StatusSet::Parse("200,404");
  options_.verdict.warn = *WarnSpec::Parse("500");
  options_.output.ordered = true;
  const std::string sha = "5796256367945ab0e8990f3b9b9ef23555a443f58244ac4ba1c705bdb2355cf7";
  const PipelineOutcome o = Run({
      "http://h/fail",                     // 404, accepted
      "http://h/status/301",               // not accepted
      "http://h/status/503 status=503",    // the line's check replaces --accept
      "http://h/ok contains=fake%20body",  // in kFakeBody
      "http://h/ok contains=nothing",      // not in it
      "http://h/ok sha256=" + sha,         // kFakeBody's digest
      "http://h/slow/30 max-ms=10",        // took 30 ms
      "http://h/status/500",               // --warn 500
  });
  const std::vector<std::string> lines = OutLines();
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_TRUE(lines[0].starts_with("[OK]   http://h/fail ")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("[FAIL] http://h/status/301 (HTTP 301")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("[OK]   http://h/status/503 ")) << lines[2];
  EXPECT_TRUE(lines[3].starts_with("[OK]   http://h/ok ")) << lines[3];
  EXPECT_TRUE(
      lines[4].starts_with("[FAIL] http://h/ok (check contains=nothing failed: not in the body"))
      << lines[4];
  EXPECT_TRUE(lines[5].starts_with("[OK]   http://h/ok ")) << lines[5];
  EXPECT_TRUE(lines[6].starts_with("[FAIL] http://h/slow/30 (check max-ms=10 failed: took 30ms"))
      << lines[6];
  EXPECT_TRUE(lines[7].starts_with("[WARN] http://h/status/500 (HTTP 500")) << lines[7];
  EXPECT_EQ(o.summary.ok, 4u);
  EXPECT_EQ(o.summary.failed, 3u);
  EXPECT_EQ(o.summary.warned, 1u);
}

TEST_F(PipelineTest, WorkersStartAsJobsArriveUpToTheLimit) {
  options_.pool.workers = 8;
  Run({"http://h/ok"});
  EXPECT_EQ(network_.fetchers(), 1) << "one URL needs one transfer thread";
  Run(Urls(100, "/ok"));
  EXPECT_EQ(network_.fetchers(), 1 + 8);
  Run({});
  EXPECT_EQ(network_.fetchers(), 1 + 8) << "no input, no workers";
}

TEST_F(PipelineTest, OrderedOutputFollowsTheInputWhateverFinishesFirst) {
  std::vector<std::string> urls;
  for (int i = 0; i < 120; ++i) {
    urls.push_back("http://h" + std::to_string(i % 5) + "/slow/" + std::to_string((i * 7) % 13) +
                   "?" + std::to_string(i));
  }
  options_.pool.workers = 16;
  options_.output.ordered = true;
  Run(urls);
  const std::vector<std::string> lines = OutLines();
  ASSERT_EQ(lines.size(), urls.size() + 1);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    EXPECT_TRUE(lines[i].starts_with("[OK]   " + urls[i] + " ")) << i << ": " << lines[i];
  }
}

TEST_F(PipelineTest, RetriesUntilTheServerRecovers) {
  options_.dispatch.retry = {.retries = 3, .wait_s = 0.001, .max_wait_s = 1};
  const PipelineOutcome o = Run({"http://h/flaky/2", "http://h/flaky/9"});
  EXPECT_EQ(o.summary.ok, 1u);
  EXPECT_EQ(o.summary.failed, 1u);
  EXPECT_EQ(o.summary.retries, 2u + 3u);
  EXPECT_EQ(network_.fetches(), 3u + 4u);
}

TEST_F(PipelineTest, MaxFailuresStopsTakingInput) {
  options_.pool.workers = 2;
  options_.dispatch.max_failures = 3;
  const PipelineOutcome o = Run(Urls(2000, "/fail"));
  EXPECT_TRUE(o.stopped_early);
  EXPECT_GE(o.summary.failed, 3u);
  EXPECT_LT(network_.fetches(), 100u) << "no more URLs are started once it trips";
}

TEST_F(PipelineTest, BackPressureKeepsTheReaderNearTheWorkers) {
  // Every transfer blocks, so the input can run ahead only by what the dispatcher holds (and
  // the pipe and the reader's buffer): the writer of a long list must stall.
  constexpr int kUrls = 50'000;
  options_.pool.workers = 4;
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  options_.input.files = {"/proc/self/fd/" + std::to_string(fds[0])};
  std::atomic<int> written{0};
  std::jthread writer([&] {
    for (int i = 0; i < kUrls; ++i) {
      const std::string line = "http://h" + std::to_string(i % 4) + "/block\n";
      if (::write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
      written.fetch_add(1);
    }
    ::close(fds[1]);
  });
  std::jthread releaser([&] {
    std::this_thread::sleep_for(300ms);
    EXPECT_LT(written.load(), 20'000) << "the reader ran ahead of the workers";
    EXPECT_EQ(network_.in_flight_peak(), 4);
    network_.Release();
  });
  const PipelineOutcome o = RunWithInputs({});
  writer.join();
  ::close(fds[0]);
  EXPECT_EQ(o.summary.ok, static_cast<std::uint64_t>(kUrls));
  EXPECT_EQ(network_.in_flight_peak(), 4) << "never more transfers than workers";
}

TEST_F(PipelineTest, AStopEndsTransfersInProgressPromptly) {
  options_.pool.workers = 4;
  std::stop_source stop;
  std::jthread stopper = StopWhen(stop, [this] { return network_.in_flight_peak() == 4; });
  const auto t0 = std::chrono::steady_clock::now();
  const PipelineOutcome o = Run(Urls(100, "/slow/60000"), stop);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(o.summary.total, 0u);
  EXPECT_EQ(o.summary.aborted, 4u) << "the four in flight, not the ones never started";
}

TEST_F(PipelineTest, AStopWhileARetryWaitsReportsItsLastAttempt) {
  options_.dispatch.retry = {.retries = 5, .wait_s = 3600, .max_wait_s = 3600};
  std::stop_source stop;
  // The 503 asks for an hour, so the second fetch can only be /ok (on its own host, which the
  // first host's pause does not hold).
  std::jthread stopper = StopWhen(stop, [this] { return network_.fetches() >= 2; });
  const auto t0 = std::chrono::steady_clock::now();
  const PipelineOutcome o = Run({"http://h1/flaky/100?retry-after=3600", "http://h2/ok"}, stop);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(o.summary.ok, 1u);
  EXPECT_EQ(o.summary.failed, 1u) << "the 503 before the stop is the URL's answer";
}

TEST_F(PipelineTest, AStopReachesAReaderWaitingForInput) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  const std::string path = "/proc/self/fd/" + std::to_string(fds[0]);
  options_.input.files = {path};
  ASSERT_GT(::write(fds[1], "http://h/ok\n", 12), 0);
  std::stop_source stop;
  std::jthread stopper = StopWhen(stop, [this] { return network_.fetches() >= 1; });
  const auto t0 = std::chrono::steady_clock::now();
  const PipelineOutcome o = RunWithInputs(stop);  // the write end stays open: no EOF ever
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(o.summary.ok, 1u);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_F(PipelineTest, AStopWhileTheReaderIsHeldByBackPressure) {
  options_.pool.workers = 2;
  std::stop_source stop;
  std::jthread stopper = StopWhen(stop, [this] { return network_.in_flight_peak() == 2; });
  const auto t0 = std::chrono::steady_clock::now();
  const PipelineOutcome o = Run(Urls(20'000, "/block"), stop);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(o.summary.aborted, 2u);
}

TEST_F(PipelineTest, MaxTimeEndsTheRunAsAStopWould) {
  options_.pool.workers = 4;
  options_.max_time_s = 0.3;
  const auto t0 = std::chrono::steady_clock::now();
  const PipelineOutcome o = Run(Urls(100, "/slow/60000"));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_TRUE(o.out_of_time);
  EXPECT_EQ(o.summary.aborted, 4u);
}

TEST_F(PipelineTest, AStopReachesAReaderHeldByTheOrderedWindow) {
  // The first URL never finishes, so --ordered can print nothing and the window fills with the
  // other worker's results: the reader then waits in the window, not in the dispatcher.
  options_.pool.workers = 2;
  options_.output.ordered = true;
  std::vector<std::string> urls{"http://h0/block"};
  for (int i = 0; i < 20'000; ++i) urls.push_back("http://h1/ok?" + std::to_string(i));
  std::stop_source stop;
  std::jthread stopper = StopWhen(stop, [this] { return network_.fetches() >= 100; });
  const auto t0 = std::chrono::steady_clock::now();
  const PipelineOutcome o = Run(urls, stop);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_LT(network_.fetches(), 2'000u) << "the window held the reader";
  EXPECT_EQ(o.summary.aborted, 1u);
}

TEST_F(PipelineTest, MaxFailuresCountsAUrlOnceHoweverOftenItIsRetried) {
  options_.pool.workers = 1;
  options_.dispatch.retry = {.retries = 2, .wait_s = 0.001, .max_wait_s = 0.01};
  options_.dispatch.max_failures = 3;
  std::vector<std::string> urls(3, "http://h/flaky/100");
  for (int i = 0; i < 2000; ++i) urls.push_back("http://h/slow/5?" + std::to_string(i));
  const PipelineOutcome o = Run(urls);
  EXPECT_TRUE(o.stopped_early);
  EXPECT_EQ(o.summary.failed, 3u) << "three URLs failed, after three attempts each";
  EXPECT_EQ(o.summary.retries, 6u);
  EXPECT_LT(network_.fetches(), 200u);
}

// Answers every other job itself, as --state does for a cached URL.
class EveryOtherJobCached final : public JobScreen {
 public:
  Status Screen(Job& job, std::optional<Result>& ready) override {
    if (++seen_ % 2 == 0) return Status::Ok();
    ready = MakeResult(std::move(job));
    ready->verdict.ok = true;
    ready->state.cached = true;
    return Status::Ok();
  }

 private:
  int seen_ = 0;
};

TEST_F(PipelineTest, AScreenedJobIsPrintedWithoutAFetch) {
  EveryOtherJobCached screen;
  std::string list;
  for (int i = 0; i < 1000; ++i) list += "http://h/ok?" + std::to_string(i) + "\n";
  testing::WriteFile(dir_ / "urls.txt", list);
  options_.input.files = {dir_ / "urls.txt"};
  options_.output.ordered = true;
  const int out = ::open((dir_ / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err = ::open((dir_ / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  PipelineIo io{.make_fetcher = network_.Factory(), .out_fd = out, .err_fd = err};
  io.screen = &screen;
  const PipelineOutcome o = RunPipeline(RunConfig(options_, kOpenFiles), std::move(io), {});
  ::close(out);
  ::close(err);
  EXPECT_EQ(o.summary.total, 1000u);
  EXPECT_EQ(o.summary.ok, 1000u);
  EXPECT_EQ(network_.fetches(), 500u) << "a cached answer is never fetched";
  const std::vector<std::string> lines = OutLines();
  ASSERT_EQ(lines.size(), 1001u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(lines[i].starts_with("[OK]   http://h/ok?" + std::to_string(i) + " ")) << lines[i];
  }
  EXPECT_NE(lines[0].find("cached"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace fetchpool
