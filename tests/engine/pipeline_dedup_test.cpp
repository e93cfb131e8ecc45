// --dedup through the whole pipeline in-process (reader, dispatcher, pool, printer), with the
// fake network, so duplicates waiting for their first, the bounded wait, stops and
// --max-failures run under the sanitizers.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fetchpool/engine/pipeline.hpp"
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

constexpr std::size_t kOpenFiles = 1024;

class PipelineDedupTest : public ::testing::Test {
 protected:
  void SetUp() override { options_.input.dedup = true; }

  PipelineOutcome Run(const std::vector<std::string>& urls, std::stop_source stop = {}) {
    std::string list;
    for (const std::string& url : urls) list += url + "\n";
    testing::WriteFile(dir_ / "urls.txt", list);
    options_.input.files = {dir_ / "urls.txt"};
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

  TempDir dir_;
  FakeNetwork network_;
  Options options_;
};

TEST_F(PipelineDedupTest, EachDistinctUrlIsFetchedOnceAndEveryLineReported) {
  std::vector<std::string> urls;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 10; ++i) urls.push_back("http://h" + std::to_string(i) + "/slow/5");
    urls.push_back("http://h/fail");
  }
  options_.pool.workers = 4;
  const PipelineOutcome o = Run(urls);
  EXPECT_EQ(network_.fetches(), 11u);
  EXPECT_EQ(o.summary.total, 220u);
  EXPECT_EQ(o.summary.ok, 200u);
  EXPECT_EQ(o.summary.failed, 20u);
  EXPECT_EQ(o.summary.duplicates, 209u);
  std::size_t marked = 0;
  for (const std::string& line : OutLines()) {
    if (testing::Has(line, ", duplicate of ")) ++marked;
  }
  EXPECT_EQ(marked, 209u);
}

TEST_F(PipelineDedupTest, OrderedOutputKeepsTheInputOrder) {
  options_.pool.workers = 3;
  options_.output.ordered = true;
  std::vector<std::string> urls;
  for (int i = 0; i < 60; ++i)
    urls.push_back("http://h" + std::to_string(i % 3) + "/slow/" +
                   std::to_string(10 - (i % 3) * 4));
  const PipelineOutcome o = Run(urls);
  EXPECT_EQ(o.summary.total, 60u);
  const std::vector<std::string> lines = OutLines();
  ASSERT_EQ(lines.size(), 61u);
  for (int i = 0; i < 60; ++i) {
    EXPECT_TRUE(lines[i].starts_with("[OK]   " + urls[i] + " (")) << i << ": " << lines[i];
    EXPECT_EQ(testing::Has(lines[i], "duplicate of"), i >= 3) << lines[i];
  }
}

// A duplicate never counts as a second failure: one failing URL on many lines, with
// --max-failures 2, runs to the end.
TEST_F(PipelineDedupTest, MaxFailuresCountsFetchesNotLines) {
  options_.pool.workers = 2;
  options_.dispatch.max_failures = 2;
  std::vector<std::string> urls(50, "http://h/fail");
  urls.push_back("http://h2/ok");
  const PipelineOutcome o = Run(urls);
  EXPECT_FALSE(o.stopped_early);
  EXPECT_EQ(o.summary.total, 51u);
  EXPECT_EQ(o.summary.failed, 50u);
}

// Duplicates of a first that does not finish wait at the printer, a bounded number of them: the
// reader waits too, and a stop still ends the run at once.
TEST_F(PipelineDedupTest, DuplicatesOfAStuckFirstAreBoundedAndAStopEndsThem) {
  options_.pool.workers = 2;
  std::vector<std::string> urls{"http://h0/block"};
  for (int i = 0; i < 20'000; ++i) urls.push_back("http://h0/block");
  std::stop_source stop;
  std::jthread stopper([&] {
    while (network_.fetches() < 1) std::this_thread::sleep_for(2ms);
    std::this_thread::sleep_for(100ms);
    stop.request_stop();
  });
  const auto t0 = std::chrono::steady_clock::now();
  const PipelineOutcome o = Run(urls, stop);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(network_.fetches(), 1u);
  EXPECT_EQ(o.summary.total, 0u);
  // The first and the duplicates that waited for it (the window: 256 for 2 workers).
  EXPECT_GE(o.summary.aborted, 2u);
  EXPECT_LE(o.summary.aborted, 1u + 256u + 1u);
}

TEST_F(PipelineDedupTest, AReleasedFirstCompletesEveryWaitingDuplicate) {
  options_.pool.workers = 2;
  std::vector<std::string> urls{"http://h1/ok"};
  urls.insert(urls.end(), 5'000, "http://h0/block");
  std::jthread releaser([&] {
    while (network_.fetches() < 2) std::this_thread::sleep_for(2ms);
    std::this_thread::sleep_for(50ms);
    network_.Release();
  });
  const PipelineOutcome o = Run(urls);
  EXPECT_EQ(network_.fetches(), 2u);
  EXPECT_EQ(o.summary.total, 5'001u);
  EXPECT_EQ(o.summary.ok, 5'001u);
  EXPECT_EQ(o.summary.duplicates, 4'999u);
}

}  // namespace
}  // namespace fetchpool
