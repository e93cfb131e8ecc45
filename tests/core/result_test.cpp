#include "fetchpool/core/result.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace fetchpool {
namespace {

Job SampleJob() {
  Job job;
  job.origin = {.seq = 7, .line = 12, .input = "urls.txt", .url = "http://h/a"};
  job.checks.digest = 99;
  job.history.url_id = 5;
  job.progress.attempts = 2;
  return job;
}

TEST(MakeResultTest, CarriesTheJobsOriginAttemptAndStateKeys) {
  const Job job = SampleJob();
  const Result r = MakeResult(job);
  EXPECT_EQ(r.origin.seq, 7u);
  EXPECT_EQ(r.origin.line, 12u);
  EXPECT_EQ(r.origin.input, "urls.txt") << "not stdin's \"-\": reports locate it by its file";
  EXPECT_EQ(r.origin.url, "http://h/a");
  EXPECT_EQ(r.transfer.attempts, 3) << "the attempt it stands for";
  EXPECT_EQ(r.state.checks_digest, 99u);
  EXPECT_EQ(r.state.url_id, 5);
  EXPECT_FALSE(r.verdict.ok) << "nothing decided yet";
  EXPECT_EQ(job.origin.url, "http://h/a") << "the job keeps its URL for a retry";
}

TEST(MakeResultTest, AJobAnsweredWithoutAFetchGivesUpItsUrl) {
  Job job = SampleJob();
  const Result r = MakeResult(std::move(job));
  EXPECT_EQ(r.origin.url, "http://h/a");
  EXPECT_EQ(r.origin.input, "urls.txt");
  EXPECT_EQ(r.origin.line, 12u);
}

}  // namespace
}  // namespace fetchpool
