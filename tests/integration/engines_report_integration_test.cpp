// `fetchpool report` on real engines (issue 28): GNU parallel runs four local shards of a list of
// 2,000 URLs, and a single-node Slurm cluster (tests/scripts/slurm_fanin.py) runs an array job
// of four shards and a dependent report job. Both must give exactly one run's totals and failed
// URLs, with each URL fetched once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ci_report_checks.hpp"
#include "support/cli_runner.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class EnginesReportTest : public ::testing::Test {
 protected:
  // `n` distinct URLs, every tenth a 404.
  void WriteList(int n) {
    std::string list;
    for (int i = 0; i < n; ++i) {
      list += server_.url((i % 10 == 0 ? "/status/404?i=" : "/size/16?i=") + std::to_string(i));
      list += "\n";
    }
    dir_.Write("urls.txt", list);
  }

  ProcessResult Sh(const std::string& command) {
    return RunCli("/bin/sh", {"-c", "cd " + Quote(dir_.path()) + " && " + command});
  }

  // The failed URLs and the summary of JSON Lines.
  static std::pair<std::set<std::string>, Json> FailedAndSummary(const std::string& jsonl) {
    std::set<std::string> failed;
    Json summary;
    for (const std::string& line : SplitLines(jsonl)) {
      const Json j = Json::parse(line);
      if (j["type"] == "result" && j["ok"] == false) failed.insert(j["url"]);
      if (j["type"] == "summary") summary = j;
    }
    return {failed, summary};
  }

  // Every request the server saw since the last reset, each URL once.
  void ExpectEachUrlFetchedOnce(std::size_t n) {
    const std::vector<std::string> paths = server_.request_paths();
    EXPECT_EQ(paths.size(), n);
    EXPECT_EQ(std::set<std::string>(paths.begin(), paths.end()).size(), n);
  }

  TestServer server_;
  TempDir dir_;
};

TEST_F(EnginesReportTest, GnuParallelShardsReportExactlyOneRunsTotals) {
  if (::access("/usr/bin/parallel", X_OK) != 0) GTEST_SKIP() << "GNU parallel is not installed";
  WriteList(2000);
  const std::string fp = Quote(FETCHPOOL_BINARY);
  const ProcessResult single = Sh(fp + " --json -w 8 urls.txt > single.jsonl");
  ASSERT_EQ(single.exit_code, 1) << single.err;
  ExpectEachUrlFetchedOnce(2000);
  server_.ResetCounters();

  // parallel's default --group keeps each job's output together: one file, four runs.
  const ProcessResult shards = Sh("parallel --will-cite -j 4 " + fp +
                                  " --json -w 8 --shard {}/4 urls.txt ::: 1 2 3 4 > all.jsonl");
  ASSERT_EQ(shards.exit_code, 4) << "parallel counts the shards that exited non-zero: "
                                 << shards.err;
  ExpectEachUrlFetchedOnce(2000);

  const ProcessResult merged = Sh(fp + " report --json all.jsonl");
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  const auto [one_failed, one_summary] = FailedAndSummary(ReadFile(dir_ / "single.jsonl"));
  const auto [merged_failed, merged_summary] = FailedAndSummary(merged.out);
  for (const char* key : {"total", "ok", "failed", "warned", "retries"}) {
    EXPECT_EQ(merged_summary[key], one_summary[key]) << key;
  }
  EXPECT_EQ(merged_summary["total"], 2000);
  EXPECT_EQ(merged_summary["failed"], 200);
  EXPECT_EQ(merged_failed, one_failed);
  EXPECT_EQ(merged_failed.size(), 200u);
}

// One test: the cluster's start-up is most of its time.
TEST_F(EnginesReportTest, SlurmArrayJobAndADependentReportJob) {
  WriteList(400);
  const ProcessResult r = RunPythonScript("slurm_fanin.py", {FETCHPOOL_BINARY, dir_.path(), "4"},
                                          "", std::chrono::seconds(150));
  if (r.exit_code == 77) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const Json out = Json::parse(r.out);
  EXPECT_EQ(out["shards"],
            Json({"shard-1.jsonl", "shard-2.jsonl", "shard-3.jsonl", "shard-4.jsonl"}));
  EXPECT_EQ(out["report_states"], Json({"COMPLETED"})) << r.out;
  EXPECT_EQ(out["report_rc"], 1) << "some URLs failed: " << out["report_err"];
  EXPECT_EQ(out["report_err"], "");
  EXPECT_TRUE(Has(out["report_out"].get<std::string>(), "Summary: 400 total, 360 ok, 40 failed"))
      << out["report_out"];
  ExpectEachUrlFetchedOnce(400);
  EXPECT_TRUE(Has(ReadFile(dir_ / "report.md"), "## fetchpool: 40 failed, 0 warned, 360 ok"));
}

// docs/scaling-out.md's GitHub Actions workflow: its YAML parsed, its shell steps run with bash.
TEST_F(EnginesReportTest, GithubMatrixWorkflowRunsLocally) {
  WriteList(100);
  const std::string doc = std::string(FETCHPOOL_SOURCE_DIR) + "/docs/scaling-out.md";
  const ProcessResult r =
      RunPythonScript("github_matrix_check.py", {doc, FETCHPOOL_BINARY, dir_.path()}, "", 120s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const Json out = Json::parse(r.out);
  std::map<std::string, int> rc;
  for (const Json& step : out["steps"]) {
    rc[step["cwd"].get<std::string>() + ": " + step["name"].get<std::string>()] = step["rc"];
  }
  for (int k = 1; k <= 4; ++k) {
    const std::string name =
        "shard-job-" + std::to_string(k) + ": Check shard " + std::to_string(k) + " of 4";
    EXPECT_EQ(rc[name], 0) << name << ": URLs failed, and that is the report's to say";
  }
  EXPECT_EQ(rc["report: Merge the shards"], 1) << "some URLs failed: the job fails";
  EXPECT_EQ(rc["report: Job summary"], 0);
  EXPECT_TRUE(Has(out["summary"].get<std::string>(), "## fetchpool: 10 failed, 0 warned, 90 ok"))
      << out["summary"];
  const Json sarif = ValidatedJson(out["sarif"], kSarifSchema);
  ASSERT_FALSE(sarif.is_null());
  EXPECT_EQ(sarif["runs"][0]["results"].size(), 10u);
  ExpectEachUrlFetchedOnce(100);
}

}  // namespace
}  // namespace fetchpool::testing
