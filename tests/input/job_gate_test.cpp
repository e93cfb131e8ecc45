#include "fetchpool/input/job_gate.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "fetchpool/input/baseline.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

struct Gate {
  std::vector<Job> jobs;
  std::vector<Result> delivered;
  ReadTarget target{.submit =
                        [this](Job job) {
                          jobs.push_back(std::move(job));
                          return true;
                        },
                    .deliver =
                        [this](Result r) {
                          delivered.push_back(std::move(r));
                          return true;
                        }};
};

Job JobFor(std::string url, std::uint64_t line) {
  Job job;
  job.origin.url = std::move(url);
  job.origin.line = line;
  return job;
}

TEST(JobGateTest, DedupFetchesEachUrlOnceAndDeliversTheRestAsDuplicates) {
  Gate g;
  InputOptions in;
  in.dedup = true;
  JobGate gate(in, g.target, {});
  EXPECT_TRUE(gate.Offer(JobFor("https://a.example/x", 1)));
  EXPECT_TRUE(gate.Offer(JobFor("https://b.example/", 2)));
  EXPECT_TRUE(gate.Offer(JobFor("https://a.example/x#section", 3)));  // same request
  EXPECT_TRUE(gate.Offer(JobFor("https://a.example/x", 4)));
  ASSERT_EQ(g.jobs.size(), 2u);
  ASSERT_EQ(g.delivered.size(), 2u);
  EXPECT_EQ(g.delivered[0].origin.seq, 2u);
  EXPECT_EQ(g.delivered[0].origin.line, 3u);
  EXPECT_EQ(g.delivered[0].origin.url, "https://a.example/x#section");
  ASSERT_TRUE(g.delivered[0].duplicate_of);
  EXPECT_EQ(g.delivered[0].duplicate_of->seq, 0u);
  EXPECT_EQ(g.delivered[1].duplicate_of->seq, 0u);
  EXPECT_EQ(gate.submitted(), 4u);
}

TEST(JobGateTest, DifferentChecksOrARefusedLineAreNoDuplicates) {
  Gate g;
  InputOptions in;
  in.dedup = true;
  JobGate gate(in, g.target, {});
  Job a = JobFor("https://a.example/", 1);
  a.checks.digest = 7;
  Job b = JobFor("https://a.example/", 2);
  b.checks.digest = 8;
  Job c = JobFor("https://a.example/", 3);
  c.checks.digest = 8;
  c.target.invalid = "bad check";
  gate.Offer(std::move(a));
  gate.Offer(std::move(b));
  gate.Offer(std::move(c));
  EXPECT_EQ(g.jobs.size(), 3u);
  EXPECT_TRUE(g.delivered.empty());
}

TEST(JobGateTest, WithoutDedupEveryLineIsAJob) {
  Gate g;
  const InputOptions in;
  JobGate gate(in, g.target, {});
  gate.Offer(JobFor("https://a.example/", 1));
  gate.Offer(JobFor("https://a.example/", 2));
  EXPECT_EQ(g.jobs.size(), 2u);
}

TEST(JobGateTest, BaselineMarksOrSkips) {
  testing::TempDir dir;
  InputOptions in;
  in.baseline = dir.Write("base.txt", "https://old.example/a status=200\n# comment\n");
  UrlKeySet baseline;
  ASSERT_TRUE(LoadBaseline(in, baseline).ok());
  EXPECT_EQ(baseline.size(), 1u);
  Gate g;
  g.target.baseline = &baseline;
  {
    JobGate gate(in, g.target, {});
    gate.Offer(JobFor("https://old.example/a#x", 1));
    gate.Offer(JobFor("https://new.example/", 2));
  }
  ASSERT_EQ(g.jobs.size(), 2u);
  EXPECT_TRUE(g.jobs[0].origin.in_baseline);
  EXPECT_FALSE(g.jobs[1].origin.in_baseline);
  in.baseline_skip = true;
  g.jobs.clear();
  JobGate gate(in, g.target, {});
  gate.Offer(JobFor("https://old.example/a", 1));
  gate.Offer(JobFor("https://new.example/", 2));
  ASSERT_EQ(g.jobs.size(), 1u);
  EXPECT_EQ(g.jobs[0].origin.url, "https://new.example/");
  EXPECT_EQ(g.jobs[0].origin.seq, 0u) << "a skipped URL takes no seq";
}

TEST(JobGateTest, ABaselineOfDocumentsIsReadForItsUrls) {
  testing::TempDir dir;
  InputOptions in;
  in.mode = InputMode::kDiff;  // the base branch's docs are documents, not diffs
  in.baseline = dir.Write("old.md", "See [a](https://a.example/) and https://b.example/.\n");
  UrlKeySet baseline;
  ASSERT_TRUE(LoadBaseline(in, baseline).ok());
  EXPECT_TRUE(baseline.Contains("https://a.example/"));
  EXPECT_TRUE(baseline.Contains("https://b.example/"));
  EXPECT_FALSE(baseline.Contains("https://b.example/."));
  in.baseline = dir / "missing";
  const Status s = LoadBaseline(in, baseline);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--baseline: cannot open"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace fetchpool
