// `fetchpool report` (issue 28): the real binary runs a list in shards against the loopback
// server, then merges their JSON Lines; the merge must print and write what one run over the
// whole list does, refuse sets that are not whole, and say why.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ci_report_checks.hpp"
#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class ReportIntegrationTest : public ::testing::Test {
 protected:
  std::string U(std::string_view path) const { return server_.url(path); }
  std::string P(const std::string& name) const { return dir_ / name; }

  // fetchpool ARGS inside the temporary directory, so input names are relative, as in CI.
  ProcessResult RunInDir(const std::vector<std::string>& args, std::string_view stdin_data = {}) {
    std::string command = "cd " + Quote(dir_.path()) + " && exec " + Quote(FETCHPOOL_BINARY);
    for (const std::string& a : args) command += " " + Quote(a);
    return RunCli("/bin/sh", {"-c", command}, stdin_data);
  }

  // urls.txt: 40 URLs (31 ok, six 404s, three 503s that --warn 503 makes warnings), an
  // invalid line, a refused port, a comment and a blank line, so every shard holds a mixture:
  // 42 results, 31 ok, 8 failed, 3 warned.
  void WriteList() {
    std::string list = "# the list\n";
    for (int i = 0; i < 40; ++i) {
      const std::string path = i % 7 == 0    ? "/status/404"
                               : i % 11 == 0 ? "/status/503"
                                             : "/size/" + std::to_string(i);
      list += U(path + "?i=" + std::to_string(i)) + "\n";
      if (i == 20) list += "\nftp://example.com/x\n" + refused_ + "\n";
    }
    dir_.Write("urls.txt", list);
  }

  // Shards 1..n of urls.txt, each to shard-K.jsonl, with `extra` flags.
  void RunShards(int n, const std::vector<std::string>& extra = {}) {
    for (int k = 1; k <= n; ++k) {
      std::vector<std::string> args = {"--json",
                                       "--warn",
                                       "503",
                                       "-w",
                                       "4",
                                       "--shard",
                                       std::to_string(k) + "/" + std::to_string(n)};
      args.insert(args.end(), extra.begin(), extra.end());
      args.push_back("urls.txt");
      std::string command = "cd " + Quote(dir_.path()) + " && exec " + Quote(FETCHPOOL_BINARY);
      for (const std::string& a : args) command += " " + Quote(a);
      command += " > shard-" + std::to_string(k) + ".jsonl";
      const ProcessResult r = RunCli("/bin/sh", {"-c", command});
      ASSERT_FALSE(r.timed_out);
      ASSERT_LE(r.exit_code, 1) << r.err;
    }
  }

  std::vector<std::string> Shards(int n) const {
    std::vector<std::string> files;
    for (int k = 1; k <= n; ++k) files.push_back("shard-" + std::to_string(k) + ".jsonl");
    return files;
  }

  TestServer server_;
  TempDir dir_;
  std::string refused_ = "http://127.0.0.1:" + std::to_string(RefusedPort()) + "/";
};

// The "Summary: ..." line without its elapsed time.
std::string Counts(const std::string& out) {
  for (const std::string& line : SplitLines(out)) {
    if (line.starts_with("Summary: ")) return line.substr(0, line.find(", ", line.find("warned")));
  }
  return "(no summary)";
}

// The failed and warned results' "file:line url -> error_kind" of SARIF results.
std::multiset<std::string> SarifFindings(const Json& sarif) {
  std::multiset<std::string> out;
  for (const Json& r : sarif["runs"][0]["results"]) {
    const Json& loc = r["locations"][0]["physicalLocation"];
    out.insert(loc["artifactLocation"]["uri"].get<std::string>() + ":" +
               std::to_string(loc["region"]["startLine"].get<int>()) + " " +
               r["properties"]["url"].get<std::string>() + " " + r["ruleId"].get<std::string>() +
               " " + r["level"].get<std::string>());
  }
  return out;
}

TEST_F(ReportIntegrationTest, ShardsMergeIntoWhatOneRunPrintsAndWrites) {
  WriteList();
  const ProcessResult single =
      RunInDir({"-q", "--warn", "503", "--stats", "--annotate", "github", "--sarif", "one.sarif",
                "--codequality", "one-cq.json", "--junit", "one.xml", "urls.txt"});
  ASSERT_EQ(single.exit_code, 1) << single.err;
  RunShards(3);
  std::vector<std::string> args = {"report",    "-q",      "--stats", "--annotate",
                                   "github",    "--sarif", "m.sarif", "--codequality",
                                   "m-cq.json", "--junit", "m.xml",   "--markdown",
                                   "m.md",      "--html",  "m.html"};
  for (const std::string& f : Shards(3)) args.push_back(f);
  const ProcessResult merged = RunInDir(args);
  EXPECT_EQ(merged.exit_code, 1) << "some failed, as in one run: " << merged.err;
  EXPECT_EQ(merged.err, "");
  EXPECT_EQ(Counts(merged.out), Counts(single.out)) << merged.out;
  EXPECT_TRUE(Has(Counts(merged.out), "Summary: 42 total, 31 ok, 8 failed, 3 warned"));

  // The same failure lines and annotations (file and line) in some order, and the same stats
  // sections that do not depend on timing.
  auto sorted_lines = [](const std::string& out, std::string_view prefix) {
    std::multiset<std::string> lines;
    for (std::string l : SplitLines(out)) {
      if (!l.starts_with(prefix)) continue;
      if (prefix == "[") l = l.substr(0, l.rfind(", "));  // the time
      lines.insert(l);
    }
    return lines;
  };
  EXPECT_EQ(sorted_lines(merged.out, "::"), sorted_lines(single.out, "::"));
  EXPECT_EQ(sorted_lines(merged.out, "["), sorted_lines(single.out, "["));
  EXPECT_EQ(sorted_lines(merged.out, "Statuses:"), sorted_lines(single.out, "Statuses:"));
  EXPECT_EQ(sorted_lines(merged.out, "Failures:"), sorted_lines(single.out, "Failures:"));

  // Every report validates, and SARIF locations point at the list's lines as one run's do.
  const Json one = ValidatedJson(P("one.sarif"), kSarifSchema);
  const Json m = ValidatedJson(P("m.sarif"), kSarifSchema);
  ASSERT_FALSE(one.is_null() || m.is_null());
  EXPECT_EQ(SarifFindings(m), SarifFindings(one));
  EXPECT_EQ(SarifFindings(m).size(), 11u);
  EXPECT_EQ(m["runs"][0]["invocations"][0]["executionSuccessful"], true);
  const Json cq = ValidatedJson(P("m-cq.json"), kCodeQualitySchema);
  EXPECT_EQ(cq.size(), ValidatedJson(P("one-cq.json"), kCodeQualitySchema).size());
  const ProcessResult junit = RunPythonScript("junit_summary.py", {P("m.xml")});
  ASSERT_EQ(junit.exit_code, 0) << junit.err;
  EXPECT_EQ(Json::parse(junit.out)["tests"], "42");
  const Json md = RenderedMarkdown(P("m.md"));
  ASSERT_FALSE(md.is_null());
  EXPECT_EQ(md["gfm"]["tables"][0]["rows"][0][0], "42");
  EXPECT_TRUE(Has(ReadFile(P("m.html")), "8 failed of 42"));
}

TEST_F(ReportIntegrationTest, AMissingShardIsAnErrorAndNothingIsWritten) {
  WriteList();
  RunShards(3);
  const ProcessResult r = RunInDir(
      {"report", "--markdown", "m.md", "--sarif", "m.sarif", "shard-1.jsonl", "shard-3.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "") << "known from the files' ends, before anything is printed";
  EXPECT_TRUE(Has(r.err, "shard 2/3 of list sha256:"));
  EXPECT_TRUE(Has(r.err, "is missing"));
  EXPECT_FALSE(std::filesystem::exists(P("m.md")));
  EXPECT_FALSE(std::filesystem::exists(P("m.sarif")));
  EXPECT_EQ(dir_.List(), (std::vector<std::string>{"shard-1.jsonl", "shard-2.jsonl",
                                                   "shard-3.jsonl", "urls.txt"}))
      << "no temporary file left behind either";

  // The same through a pipe, where it is known only at the end: still nothing written.
  const ProcessResult piped = RunInDir({"report", "-q", "--markdown", "m.md"},
                                       ReadFile(P("shard-1.jsonl")) + ReadFile(P("shard-3.jsonl")));
  EXPECT_EQ(piped.exit_code, 2);
  EXPECT_TRUE(Has(piped.err, "is missing"));
  EXPECT_FALSE(Has(piped.out, "Summary:"));
  EXPECT_FALSE(std::filesystem::exists(P("m.md")));
}

TEST_F(ReportIntegrationTest, AllowPartialReportsAndSaysWhatIsMissing) {
  WriteList();
  RunShards(3);
  const ProcessResult r = RunInDir({"report", "-q", "--allow-partial", "--markdown", "m.md",
                                    "--sarif", "m.sarif", "shard-1.jsonl", "shard-3.jsonl"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Has(r.err, "fetchpool report: partial: shard 2/3 of list sha256:"));
  const std::string md = ReadFile(P("m.md"));
  EXPECT_TRUE(Has(md, "**Incomplete:**"));
  EXPECT_TRUE(Has(md, "shard 2/3 of list"));
  const Json sarif = ValidatedJson(P("m.sarif"), kSarifSchema);
  ASSERT_FALSE(sarif.is_null());
  EXPECT_EQ(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
}

TEST_F(ReportIntegrationTest, DoubledShardsAndShardsOfAnotherListAreRefused) {
  WriteList();
  RunShards(2);
  std::filesystem::copy_file(P("shard-2.jsonl"), P("again.jsonl"));
  ProcessResult r = RunInDir({"report", "shard-1.jsonl", "shard-2.jsonl", "again.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "are the same run (shard 2/2) given twice")) << r.err;
  r = RunInDir({"report", "--allow-partial", "shard-1.jsonl", "shard-2.jsonl", "shard-2.jsonl"});
  EXPECT_EQ(r.exit_code, 2) << "overlapping results are never merged, partial or not";

  std::filesystem::rename(P("shard-2.jsonl"), P("old-2.jsonl"));
  dir_.Write("urls.txt", ReadFile(P("urls.txt")) + U("/size/1?new") + "\n");
  RunShards(2);
  r = RunInDir({"report", "shard-1.jsonl", "old-2.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "old-2.jsonl:1 holds shard 2/2 of another list")) << r.err;
}

TEST_F(ReportIntegrationTest, AnUnfinishedShardIsNamedWithWhatStoppedIt) {
  dir_.Write("urls.txt", U("/delay/5000") + "\n" + U("/size/1") + "\n");
  const ProcessResult run = RunInDir({"--json", "--max-time", "0.3", "urls.txt"});
  ASSERT_EQ(run.exit_code, 1);
  dir_.Write("cut.jsonl", run.out);
  const ProcessResult r = RunInDir({"report", "cut.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "shard 1/1 (cut.jsonl:1) did not finish: stopped by --max-time")) << r.err;
}

TEST_F(ReportIntegrationTest, ConcatenatedStdinAndReReportedOutputGiveTheSameTotals) {
  WriteList();
  RunShards(4, {"--host-stats"});
  std::string all;
  for (const std::string& f : Shards(4)) all += ReadFile(P(f));
  const ProcessResult merged = RunInDir({"report", "--json", "--host-stats", "-"}, all);
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  const std::vector<std::string> lines = SplitLines(merged.out);
  ASSERT_GE(lines.size(), 3u);
  const Json summary = Json::parse(lines.back());
  EXPECT_EQ(summary["total"], 42);
  EXPECT_EQ(summary["failed"], 8);
  std::uint64_t requests = 0;
  for (const std::string& l : lines) {
    const Json j = Json::parse(l);
    if (j["type"] == "host") requests += j["requests"].get<std::uint64_t>();
  }
  EXPECT_EQ(requests, 41u) << "every request of every shard (the invalid line makes none)";

  // The merge is a whole run of its own: merged again, it reports the same.
  dir_.Write("merged.jsonl", merged.out);
  const ProcessResult again = RunInDir({"report", "-q", "merged.jsonl"});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_TRUE(Has(again.out, "Summary: 42 total, 31 ok, 8 failed, 3 warned")) << again.out;
}

// --state per shard: each shard keeps its own file while N stays the same, and the merged
// reports show what changed across the whole list.
TEST_F(ReportIntegrationTest, StatePerShardShowsWhatChangedAcrossTheList) {
  auto vanishing = std::make_unique<TestServer>();
  std::string list;
  for (int i = 0; i < 12; ++i) {
    list += U("/flaky?key=k" + std::to_string(i) + "&fails=" + (i % 3 == 0 ? "1" : "0")) + "\n";
    list += vanishing->url("/size/" + std::to_string(i)) + "\n";
  }
  dir_.Write("urls.txt", list);
  // Run 1 then run 2 of each shard, each with its own state file.
  for (int round = 0; round < 2; ++round) {
    if (round == 1) vanishing.reset();  // its URLs now fail: new failures
    for (int k = 1; k <= 2; ++k) {
      const std::string shard = std::to_string(k);
      const ProcessResult r = RunInDir({"--json", "--shard", shard + "/2", "--state",
                                        "shard-" + shard + ".db", "-w", "4", "urls.txt"});
      ASSERT_LE(r.exit_code, 1) << r.err;
      dir_.Write("shard-" + shard + ".jsonl", r.out);
    }
  }
  const ProcessResult r = RunInDir(
      {"report", "-q", "--markdown", "m.md", "--html", "m.html", "shard-1.jsonl", "shard-2.jsonl"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Has(r.out, "Summary: 24 total, 12 ok, 12 failed, 12 new failures, 4 recovered"))
      << r.out;
  const std::string md = ReadFile(P("m.md"));
  EXPECT_TRUE(Has(md, "### What changed since the last run")) << md;
  EXPECT_TRUE(Has(md, "12 new failures, 4 recovered, 0 still failing.")) << md;
  EXPECT_TRUE(Has(md, "urls.txt&#58;")) << "each change points at its line: " << md;
  EXPECT_TRUE(Has(ReadFile(P("m.html")), "What changed")) << "the HTML report's section";
}

}  // namespace
}  // namespace fetchpool::testing
