// --each-address through the whole pipeline with the fake network (its host "multi" has three
// addresses, one of which refuses): a job per address, a host counted once for --per-host, the
// URL's results printed together with --ordered, and the summary counting URLs and results.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fetchpool/engine/pipeline.hpp"
#include "support/fake_fetcher.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

namespace fetchpool {
namespace {

using testing::FakeNetwork;
using testing::ReadFile;
using testing::SplitLines;
using testing::TempDir;

class EachAddressPipelineTest : public ::testing::Test {
 protected:
  PipelineOutcome Run(const std::vector<std::string>& urls) {
    std::string list;
    for (const std::string& url : urls) list += url + "\n";
    testing::WriteFile(dir_ / "urls.txt", list);
    options_.input.files = {dir_ / "urls.txt"};
    const int out = ::open((dir_ / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err = ::open((dir_ / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    PipelineIo io{.make_fetcher = network_.Factory(), .out_fd = out, .err_fd = err};
    PipelineOutcome outcome = RunPipeline(RunConfig(options_, 1024), std::move(io), {});
    ::close(out);
    ::close(err);
    return outcome;
  }
  std::vector<std::string> OutLines() const { return SplitLines(ReadFile(dir_ / "out")); }

  TempDir dir_;
  FakeNetwork network_;
  Options options_;
};

TEST_F(EachAddressPipelineTest, AJobPerAddressAndAHostCountedOnceForItsLimit) {
  options_.fetch.each_address = true;
  options_.dispatch.per_host = 1;
  options_.pool.workers = 8;
  std::vector<std::string> urls;
  for (int i = 0; i < 6; ++i) urls.push_back("http://multi/slow/5?" + std::to_string(i));
  const PipelineOutcome o = Run(urls);
  EXPECT_EQ(network_.fetches(), 18u);
  EXPECT_EQ(network_.in_flight_peak(), 1) << "one host, whatever its addresses: --per-host 1";
  EXPECT_EQ(o.summary.total, 18u);
  EXPECT_EQ(o.summary.urls, 6u);
  EXPECT_EQ(o.summary.ok, 12u);
  EXPECT_EQ(o.summary.failed, 6u);
  const std::vector<std::string> lines = OutLines();
  ASSERT_EQ(lines.size(), 19u);
  EXPECT_TRUE(lines.back().starts_with("Summary: 6 URLs, 18 results, 12 ok, 6 failed"))
      << lines.back();
}

TEST_F(EachAddressPipelineTest, OrderedPrintsAUrlsAddressesTogetherInTheirOrder) {
  options_.fetch.each_address = true;
  options_.output.ordered = true;
  options_.pool.workers = 4;
  const PipelineOutcome o = Run({"http://multi/slow/20", "http://single/ok", "http://multi/ok",
                                 "http://nxdomain/ok", "ftp://invalid/"});
  EXPECT_EQ(o.summary.urls, 5u);
  EXPECT_EQ(o.summary.total, 9u);
  const std::vector<std::string> lines = OutLines();
  ASSERT_EQ(lines.size(), 10u);
  const std::vector<std::string> want = {
      "[OK]   http://multi/slow/20 [10.0.0.1] (",
      "[FAIL] http://multi/slow/20 [10.0.0.2] (connection refused, ",
      "[OK]   http://multi/slow/20 [fd00::3] (",
      "[OK]   http://single/ok (",
      "[OK]   http://multi/ok [10.0.0.1] (",
      "[FAIL] http://multi/ok [10.0.0.2] (connection refused, ",
      "[OK]   http://multi/ok [fd00::3] (",
      "[FAIL] http://nxdomain/ok (could not resolve host: nxdomain, ",
      "[FAIL] ftp://invalid/ (invalid URL",
  };
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(lines[i].starts_with(want[i])) << i << ": " << lines[i];
  }
}

TEST_F(EachAddressPipelineTest, WithoutTheFlagEveryUrlIsOneJob) {
  options_.pool.workers = 4;
  const PipelineOutcome o = Run({"http://multi/ok", "http://multi/ok?2"});
  EXPECT_EQ(network_.fetches(), 2u);
  EXPECT_EQ(o.summary.total, 2u);
  EXPECT_EQ(o.summary.ok, 2u);
  EXPECT_TRUE(OutLines().back().starts_with("Summary: 2 total, 2 ok, 0 failed"))
      << OutLines().back();
}

}  // namespace
}  // namespace fetchpool
