// Latency budgets, end to end, against the loopback test server's /delay/MS: --slow warns about
// one answer, --max-p95 fails the run, and the phase times reach CSV, --stats and the HTML
// report. Only lower bounds are asserted (a delay of MS takes at least MS); what must pass gets
// a budget no loaded machine misses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_integration.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;

class LatencyBudgetTest : public CliIntegrationTest {};

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

TEST_F(LatencyBudgetTest, SlowWarnsAboutAnAnswerOverTheLimit) {
  const ProcessResult r = RunFetchpool({"--no-progress", "--slow", "250"}, U("/delay/300") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << "a warning does not fail the run: " << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_TRUE(Has(lines[1], "Summary: 1 total, 0 ok, 0 failed, 1 warned")) << lines[1];
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(R"(^\[WARN\] )" + RegexEscape(U("/delay/300")) +
                                                    R"( \(slow: (\d+) ms > 250 ms, \d+ms\)$)")))
      << lines[0];
  const ProcessResult relaxed = RunFetchpool({"--no-progress", "--slow", "60000"},
                                             U("/delay/300") + "\n" + U("/size/10") + "\n");
  EXPECT_EQ(relaxed.exit_code, 0);
  EXPECT_FALSE(Has(relaxed.out, "[WARN]")) << relaxed.out;
}

TEST_F(LatencyBudgetTest, MaxP95FailsTheRunWithOneLineWhenOverBudget) {
  std::string urls;
  for (int i = 0; i < 4; ++i) urls += U("/size/10") + "\n";
  urls += U("/delay/300") + "\n";
  const ProcessResult r = RunFetchpool({"--no-progress", "-w", "5", "--max-p95", "200"}, urls);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "Summary: 5 total, 5 ok, 0 failed")) << "every URL was ok: " << r.out;
  const std::vector<std::string> err = SplitLines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_TRUE(std::regex_match(
      err[0],
      std::regex(R"(^fetchpool: p95 of 5 answered URLs is \d+ ms, over --max-p95 200 ms$)")))
      << err[0];

  const ProcessResult within = RunFetchpool({"--no-progress", "--max-p95", "60000"}, urls);
  EXPECT_EQ(within.exit_code, 0) << within.err;
  EXPECT_EQ(within.err, "");
}

TEST_F(LatencyBudgetTest, SlowWarningsStillCountTowardsTheBudget) {
  const ProcessResult r = RunFetchpool(
      {"--no-progress", "--json", "--slow", "100", "--max-p95", "200"}, U("/delay/300") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 4u) << "run, result, end, summary: " << r.out;
  const Json result = Json::parse(lines[1]);
  EXPECT_EQ(result["warning"], true);
  EXPECT_EQ(result["error_kind"], "slow");
  const Json summary = Json::parse(lines[3]);
  EXPECT_EQ(summary["warned"], 1);
  EXPECT_EQ(summary["answered"], 1);
  EXPECT_EQ(summary["over_budget"], true);
  EXPECT_GE(summary["answered_p95_ms"].get<double>(), 300.0);
}

TEST_F(LatencyBudgetTest, PhaseTimesReachCsvStatsAndTheHtmlBars) {
  TempDir out;
  const ProcessResult r =
      RunFetchpool({"--no-progress", "--stats", "--slow", "250", "--html", out / "r.html"},
                   U("/delay/300") + "\n" + U("/size/10") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "Phases:            p50        p95   results\n")) << r.out;
  for (const char* phase : {"\n  DNS ", "\n  connect ", "\n  first byte "}) {
    EXPECT_TRUE(Has(r.out, phase)) << phase << r.out;
  }
  const ProcessResult html = RunPythonScript("html_tables.py", {out / "r.html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const Json page = Json::parse(html.out);
  ASSERT_TRUE(page["tables"].contains("slow-answers")) << html.out;
  const Json& rows = page["tables"]["slow-answers"]["rows"];
  ASSERT_EQ(rows.size(), 1u) << "only what --slow flagged: " << rows.dump();
  EXPECT_EQ(rows[0][1], U("/delay/300"));
  const std::string page_text = ReadFile(out / "r.html");
  EXPECT_TRUE(Has(page_text, R"(<div class="stack" title="dns )")) << "a stacked bar";
  EXPECT_TRUE(Has(page_text, R"(<span class="p-first-byte" style="width:)"));

  const ProcessResult csv = RunFetchpool({"--format", "csv"}, U("/delay/300") + "\n");
  const std::vector<std::string> lines = SplitLines(csv.out);
  ASSERT_EQ(lines.size(), 2u) << csv.out;
  const std::vector<std::string> header = Split(lines[0], ',');
  const std::vector<std::string> row = Split(lines[1], ',');
  ASSERT_EQ(header.size(), row.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "first_byte_ms") {
      EXPECT_GE(std::stod(row[i]), 300.0) << lines[1];
    }
    if (header[i] == "connect_ms") {
      EXPECT_GT(std::stod(row[i]), 0.0) << lines[1];
    }
  }
}

// A merge cannot time each attempt again: it keeps the run's own --max-p95 verdict, and its
// exit status.
TEST_F(LatencyBudgetTest, FetchpoolReportKeepsARunsBudgetVerdict) {
  std::string urls;
  for (int i = 0; i < 4; ++i) urls += U("/size/10") + "\n";
  urls += U("/delay/300") + "\n";
  const ProcessResult over =
      RunFetchpool({"--no-progress", "--json", "-w", "5", "--max-p95", "200"}, urls);
  ASSERT_EQ(over.exit_code, 1) << over.err;
  const ProcessResult merged = RunFetchpool({"report", "-q", "-"}, over.out);
  EXPECT_EQ(merged.exit_code, 1) << merged.out << merged.err;
  EXPECT_TRUE(Has(merged.out, "Summary: 5 total, 5 ok, 0 failed")) << merged.out;
  EXPECT_TRUE(std::regex_search(
      merged.err,
      std::regex(R"(fetchpool report: shard 1/1 \(<stdin>:1\): p95 of 5 answered URLs is )"
                 R"(\d+ ms, over --max-p95 200 ms\n)")))
      << merged.err;

  const ProcessResult within =
      RunFetchpool({"--no-progress", "--json", "--max-p95", "60000"}, urls);
  ASSERT_EQ(within.exit_code, 0) << within.err;
  const ProcessResult fine = RunFetchpool({"report", "-q", "-"}, within.out);
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
  EXPECT_EQ(fine.err, "");
}

}  // namespace
}  // namespace fetchpool::testing
