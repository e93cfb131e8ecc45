// Integration tests for issue 14 (see the run): --stats, the progress line with a total, bar
// and ETA, and --html, against the real binary and the loopback test server. The browser half
// is in html_browser_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

class SeeTheRunTest : public ::testing::Test {
 protected:
  std::string U(std::string_view path) const { return server_.url(path); }
  std::string Mixed() const {
    std::string list;
    for (int i = 0; i < 6; ++i) list += U("/delay/30?i=" + std::to_string(i)) + "\n";
    list += U("/size/10") + "\n" + U("/status/404") + "\n" + U("/status/503") + "\n";
    return list;
  }
  TestServer server_;
};

TEST_F(SeeTheRunTest, StatsComeBeforeTheSummaryWithHashesOffATerminal) {
  TempDir dir;
  const ProcessResult r = RunFetchpool({"--stats", "-w", "3", dir.Write("urls.txt", Mixed())});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  const std::string& out = r.out;
  const auto histogram = out.find("Latency histogram:\n");
  const auto summary = out.find("Summary: 9 total");
  ASSERT_NE(histogram, std::string::npos) << out;
  ASSERT_NE(summary, std::string::npos) << out;
  EXPECT_LT(histogram, summary);
  EXPECT_LT(out.rfind("[OK]"), histogram) << "after every result line";
  EXPECT_TRUE(Has(out, "<=50ms"));
  EXPECT_TRUE(Has(out, "#"));
  EXPECT_EQ(out.find("█"), std::string::npos);
  EXPECT_TRUE(Has(out, "Statuses:  200 x7  404 x1  503 x1\n"));
  EXPECT_TRUE(Has(out, "Failures:  HTTP status x2\n"));
  EXPECT_TRUE(Has(out, "Slowest:\n"));
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << "no colour on a pipe";
}

TEST_F(SeeTheRunTest, VerboseShowsStatsAndPlainRunsDoNot) {
  TempDir dir;
  const std::string list = dir.Write("urls.txt", U("/size/1") + "\n");
  EXPECT_TRUE(Has(RunFetchpool({"-v", list}).out, "Latency histogram:"));
  EXPECT_EQ(RunFetchpool({list}).out.find("Latency histogram:"), std::string::npos);
}

TEST_F(SeeTheRunTest, UnicodeBlocksOnAUtf8TerminalScaledToColumns) {
  TempDir dir;
  PtyOptions opts;
  opts.stdout_on_pty = true;
  opts.env_set = {{"LANG", "C.UTF-8"}, {"COLUMNS", "50"}, {"NO_COLOR", "1"}};
  opts.env_unset = {"LC_ALL", "LC_CTYPE"};
  const PtyResult r = RunOnPty(
      {FETCHPOOL_BINARY, "--stats", "--no-progress", dir.Write("urls.txt", Mixed())}, opts);
  ASSERT_FALSE(r.timed_out);
  EXPECT_TRUE(Has(r.tty, "█"));
  EXPECT_TRUE(Has(r.tty, "≤50ms"));
  EXPECT_TRUE(Has(r.tty, "200 ×7"));
  std::istringstream lines(r.tty);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("█") == std::string::npos) continue;
    // Columns, not bytes: every non-continuation byte is one column here.
    std::size_t columns = 0;
    for (unsigned char c : line) columns += (c & 0xC0) != 0x80 && c != '\r';
    EXPECT_LE(columns, 50u) << line;
  }
}

TEST_F(SeeTheRunTest, JsonSummaryCarriesTheBucketsAndStatsGoToStderr) {
  TempDir dir;
  const ProcessResult r = RunFetchpool({"--json", "--stats", dir.Write("urls.txt", Mixed())});
  ASSERT_FALSE(r.timed_out);
  std::istringstream lines(r.out);
  nlohmann::json summary;
  for (std::string line; std::getline(lines, line);) summary = nlohmann::json::parse(line);
  ASSERT_EQ(summary["type"], "summary");
  const auto& buckets = summary["latency_buckets"];
  ASSERT_EQ(buckets.size(), 16u);
  EXPECT_EQ(buckets[0]["le_ms"], 1);
  EXPECT_EQ(buckets[14]["le_ms"], 60000);
  EXPECT_TRUE(buckets[15]["le_ms"].is_null());
  std::uint64_t total = 0;
  for (const auto& b : buckets) total += b["count"].get<std::uint64_t>();
  EXPECT_EQ(total, 9u);
  EXPECT_TRUE(Has(r.err, "Latency histogram:"));
}

TEST_F(SeeTheRunTest, ProgressShowsTotalBarAndEtaForARegularFileFromTheStart) {
  TempDir dir;
  std::string list;
  for (int i = 0; i < 8; ++i) list += U("/delay/200?i=" + std::to_string(i)) + "\n";
  PtyOptions opts;
  opts.env_set = {{"LANG", "C"}};
  opts.env_unset = {"LC_ALL", "LC_CTYPE"};
  const PtyResult r = RunOnPty({FETCHPOOL_BINARY, "-w", "1", dir.Write("urls.txt", list)}, opts);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Has(r.tty, "/8 done")) << "the total is known up front";
  EXPECT_TRUE(Has(r.tty, "\r\x1b[K[#"));
  EXPECT_TRUE(Has(r.tty, "  ETA "));
  EXPECT_TRUE(Has(r.tty, " failed  "));
  EXPECT_TRUE(Has(r.tty, "/s  "));
  EXPECT_TRUE(r.tty.ends_with("\r\x1b[K"));
}

TEST_F(SeeTheRunTest, HtmlReportIsWrittenAtomicallyAndUnwritablePathIsAUsageError) {
  TempDir dir;
  const std::string list = dir.Write("urls.txt", Mixed());
  const std::string report = dir / "report.html";
  const ProcessResult r = RunFetchpool({"-q", "--html", report, list});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_TRUE(std::filesystem::exists(report));
  const std::string page = ReadFile(report);
  EXPECT_TRUE(Has(page, "<svg id=\"histogram\""));
  EXPECT_TRUE(Has(page, "<svg id=\"timeline\""));
  EXPECT_TRUE(Has(page, ">w3<")) << "three workers ran";
  EXPECT_TRUE(Has(page, "404 ×1"));
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_FALSE(e.path().filename().string().find(".tmp-") != std::string::npos) << e.path();
  }
  const ProcessResult bad = RunFetchpool({"--html", "/nonexistent-dir/r.html", list});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Has(bad.err, "cannot write HTML report"));
  EXPECT_EQ(server_.request_count(), 9u) << "nothing fetched after the usage error";
}

}  // namespace
}  // namespace fetchpool::testing
