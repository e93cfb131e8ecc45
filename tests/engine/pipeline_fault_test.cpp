// An unexpected exception anywhere in a run (a sink, the printer, the reader, a worker) stops it
// with one message and exit status 2, and every thread is joined: none is left blocked on a
// queue, a transfer or the input. A hang here is the failure (ctest's timeout).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "fetchpool/cli/run.hpp"
#include "fetchpool/core/job_screen.hpp"
#include "fetchpool/engine/pipeline.hpp"
#include "support/fake_fetcher.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

namespace fetchpool {
namespace {

using testing::FakeNetwork;
using testing::TempDir;

// Throws from its Add once `after` results have reached it.
class ThrowingSink final : public ResultSink {
 public:
  explicit ThrowingSink(int after) : after_(after) {}
  void Add(const Result&) override {
    if (++seen_ > after_) throw std::runtime_error("the sink broke");
  }
  Status Finish(const RunTotals&) override { return Status::Ok(); }

 private:
  int after_;
  int seen_ = 0;
};

// Throws from the reader's thread at its `at`th job.
class ThrowingScreen final : public JobScreen {
 public:
  explicit ThrowingScreen(int at) : at_(at) {}
  Status Screen(Job&, std::optional<Result>&) override {
    if (++seen_ == at_) throw std::length_error("the screen broke");
    return Status::Ok();
  }

 private:
  int at_;
  int seen_ = 0;
};

// The fake network, except that a transfer of /explode throws.
class ExplodingFetcher final : public Fetcher {
 public:
  ExplodingFetcher(FakeNetwork& network, std::stop_token stop)
      : network_(network), stop_(std::move(stop)) {}
  void Fetch(const Job& job, Method, TransferFacts& facts, Saved&) override {
    if (job.origin.url.ends_with("/explode")) throw std::bad_alloc();
    network_.Answer(job, stop_, facts);
  }

 private:
  FakeNetwork& network_;
  std::stop_token stop_;
};

class PipelineFaultTest : public ::testing::Test {
 protected:
  PipelineOutcome Run(const std::vector<std::string>& urls, PipelineIo io) {
    std::string list;
    for (const std::string& url : urls) list += url + "\n";
    testing::WriteFile(dir_ / "urls.txt", list);
    options_.input.files = {dir_ / "urls.txt"};
    const int out = ::open((dir_ / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    io.out_fd = out;
    io.err_fd = out;
    if (!io.make_fetcher) io.make_fetcher = network_.Factory();
    PipelineOutcome outcome = RunPipeline(RunConfig(options_, 1024), std::move(io), {});
    ::close(out);
    return outcome;
  }

  // Many URLs on several hosts: enough to fill the dispatcher and the results queue, so a
  // thread that waits for a stage that has died would wait for ever.
  static std::vector<std::string> ManyUrls(const std::string& path) {
    std::vector<std::string> urls;
    for (int i = 0; i < 20'000; ++i) urls.push_back("http://h" + std::to_string(i % 4) + path);
    return urls;
  }

  TempDir dir_;
  FakeNetwork network_;
  Options options_;
};

TEST_F(PipelineFaultTest, AThrowingSinkStopsTheRunAndEveryThreadIsJoined) {
  options_.pool.workers = 4;
  PipelineIo io;
  io.reports.push_back(std::make_unique<ThrowingSink>(10));
  const PipelineOutcome o = Run(ManyUrls("/ok"), std::move(io));
  EXPECT_EQ(o.fault, "unexpected error in the printer: the sink broke");
  EXPECT_LT(network_.fetches(), 20'000u) << "the run stopped";
}

TEST_F(PipelineFaultTest, ASinkThrowingWhileWorkersAreInTransfersStopsThem) {
  options_.pool.workers = 4;
  PipelineIo io;
  io.reports.push_back(std::make_unique<ThrowingSink>(0));
  std::vector<std::string> urls{"http://h/ok"};
  for (int i = 0; i < 100; ++i) urls.push_back("http://h" + std::to_string(i) + "/block");
  const PipelineOutcome o = Run(urls, std::move(io));  // /block ends only by the stop
  EXPECT_EQ(o.fault, "unexpected error in the printer: the sink broke");
}

TEST_F(PipelineFaultTest, AThrowingReaderStopsTheRun) {
  options_.pool.workers = 2;
  ThrowingScreen screen(100);  // while both workers wait in a transfer that only a stop ends
  PipelineIo io;
  io.screen = &screen;
  const PipelineOutcome o = Run(ManyUrls("/block"), std::move(io));
  EXPECT_EQ(o.fault, "unexpected error in the reader: the screen broke");
}

TEST_F(PipelineFaultTest, AThrowingWorkerStopsTheRun) {
  options_.pool.workers = 4;
  std::vector<std::string> urls = ManyUrls("/ok");
  urls.insert(urls.begin() + 3000, "http://h/explode");
  PipelineIo io;
  io.make_fetcher = [this](std::stop_token stop) -> std::unique_ptr<Fetcher> {
    return std::make_unique<ExplodingFetcher>(network_, std::move(stop));
  };
  const PipelineOutcome o = Run(urls, std::move(io));
  EXPECT_EQ(o.fault, "unexpected error in a worker: std::bad_alloc");
  EXPECT_LT(network_.fetches(), 20'000u) << "the run stopped";
}

TEST_F(PipelineFaultTest, OnlyTheFirstFaultIsReported) {
  options_.pool.workers = 4;
  std::vector<std::string> urls(50, "http://h/explode");
  PipelineIo io;
  io.make_fetcher = [this](std::stop_token stop) -> std::unique_ptr<Fetcher> {
    return std::make_unique<ExplodingFetcher>(network_, std::move(stop));
  };
  io.reports.push_back(std::make_unique<ThrowingSink>(0));
  const PipelineOutcome o = Run(urls, std::move(io));
  EXPECT_EQ(o.fault, "unexpected error in a worker: std::bad_alloc");
}

TEST_F(PipelineFaultTest, AFaultExitsTwoWithItsMessageAlone) {
  PipelineOutcome o;
  o.fault = "unexpected error in the printer: the sink broke";
  o.summary.failed = 3;
  o.stopped_early = true;
  o.write_error = Status::Error("cannot write");
  ::testing::internal::CaptureStderr();
  const int status = Conclude(options_, o, 0);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "fetchpool: unexpected error in the printer: the sink broke\n");
  EXPECT_EQ(status, 2);
}

}  // namespace
}  // namespace fetchpool
