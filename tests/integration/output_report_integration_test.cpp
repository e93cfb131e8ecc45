// Integration tests for reports and ordering through the real binary: the
// JUnit file read back with Python's xml.etree, format usage errors, --ordered.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/output_integration.hpp"
#include "support/python.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

using namespace std::chrono_literals;

// Python's xml.etree on a JUnit file: a JSON summary of what a CI system would see.
Json ParseJUnitWithPython(const std::string& path) {
  const ProcessResult py = RunPythonScript("junit_summary.py", {path});
  EXPECT_EQ(py.exit_code, 0) << py.err;
  if (py.exit_code != 0) return Json();
  return Json::parse(py.out);
}

// --- JUnit ------------------------------------------------------------------

TEST_F(OutputIntegrationTest, JUnitReportParsesWithOneTestcasePerUrl) {
  TempDir dir;
  const std::string report = dir / "report.xml";
  const std::string refused = Refused();
  const std::vector<std::string> urls = {U("/size/1"),     U("/size/2"), U("/redirect/1"),
                                         U("/status/404"), refused,      "ftp://127.0.0.1/x"};
  std::string input;
  for (const auto& url : urls) input += url + "\n";
  const ProcessResult r = RunFetchpool({"--junit", report}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // stdout is unchanged: the text lines and summary.
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, 6u);

  const Json xml = ParseJUnitWithPython(report);
  ASSERT_TRUE(xml.is_object());
  EXPECT_EQ(xml["root"], "testsuites");
  EXPECT_EQ(xml["tests"], "6");
  EXPECT_EQ(xml["failures"], "3");
  EXPECT_EQ(xml["suites"], 1);
  EXPECT_EQ(xml["suite_tests"], "6");
  EXPECT_EQ(xml["suite_failures"], "3");
  std::map<std::string, Json> cases;
  for (const Json& c : xml["cases"]) cases[Unhex(c["name"].get<std::string>())] = c;
  ASSERT_EQ(cases.size(), urls.size()) << xml.dump();
  for (const auto& url : urls) ASSERT_TRUE(cases.count(url)) << url;
  EXPECT_EQ(cases[U("/size/1")]["failed"], false);
  EXPECT_EQ(cases[U("/redirect/1")]["failed"], false);
  EXPECT_EQ(cases[U("/status/404")]["failed"], true);
  EXPECT_EQ(cases[U("/status/404")]["message"], "HTTP 404");
  EXPECT_EQ(cases[U("/status/404")]["type"], "http_status");
  EXPECT_EQ(cases[refused]["message"], "connection refused");
  EXPECT_TRUE(cases["ftp://127.0.0.1/x"]["message"].get<std::string>().starts_with("invalid URL"));
  for (const auto& [name, c] : cases) {
    EXPECT_TRUE(std::regex_match(c["time"].get<std::string>(), std::regex(R"(\d+\.\d{3})")))
        << c.dump();
  }
  // Nothing left behind but the report.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(OutputIntegrationTest, JUnitReportSurvivesHostileUrlsAndSilentMode) {
  TempDir dir;
  const std::string report = dir / "hostile.xml";
  const std::vector<std::string> lines = HostileLines(server_);
  std::string input;
  for (const auto& line : lines) input += line + "\n";
  const ProcessResult r = RunFetchpool({"-s", "--junit", report}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");  // -s: nothing on stdout, the report is still written
  EXPECT_EQ(r.err, "");
  const Json xml = ParseJUnitWithPython(report);
  ASSERT_TRUE(xml.is_object());
  EXPECT_EQ(xml["tests"], std::to_string(lines.size()));
  EXPECT_EQ(xml["cases"].size(), lines.size());
}

TEST_F(OutputIntegrationTest, JUnitReportIsWrittenAfterAnInterruptToo) {
  TempDir dir;
  const std::string report = dir / "r.xml";
  Subprocess proc = StartFetchpool({"--junit", report, "-w", "2"});
  proc.WriteStdin(U("/size/1") + "\n" + U("/delay/10000") + "\n");
  ASSERT_TRUE(proc.WaitForStdout("[OK]", 10s)) << proc.StderrSoFar();
  ASSERT_TRUE(Eventually([&] { return server_.in_flight() == 1; }));
  proc.Signal(SIGINT);
  const ProcessResult r = proc.Wait(10s);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  const Json xml = ParseJUnitWithPython(report);
  ASSERT_TRUE(xml.is_object());
  // What finished is reported; the aborted transfer is not a verdict on its URL.
  EXPECT_EQ(xml["tests"], "1");
  EXPECT_EQ(xml["failures"], "0");
}

TEST_F(OutputIntegrationTest, JUnitIntoAMissingDirectoryIsAUsageErrorBeforeFetching) {
  TempDir dir;
  const std::string report = dir / "no/such/dir/r.xml";
  const ProcessResult r = RunFetchpool({"--junit", report}, U("/size/1") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Count(r.err, "\n"), 1u) << r.err;
  EXPECT_TRUE(Has(r.err, report));
  EXPECT_EQ(server_.request_count(), 0u);
  EXPECT_FALSE(std::filesystem::exists(report));
}

TEST_F(OutputIntegrationTest, FormatUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--format", "xml"},
                                                                {"--format"},
                                                                {"--json", "--format", "csv"},
                                                                {"-q", "-s"},
                                                                {"-q", "-v"},
                                                                {"-s", "-v"},
                                                                {"--progress", "--no-progress"},
                                                                {"--junit"}}) {
    const ProcessResult r = RunFetchpool(args, U("/size/1") + "\n");
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.out, "") << args[0];
    EXPECT_EQ(Count(r.err, "\n"), 1u) << args[0] << ": " << r.err;
  }
  EXPECT_EQ(server_.request_count(), 0u);
}

// --- --ordered --------------------------------------------------------------

TEST_F(OutputIntegrationTest, OrderedPrintsInInputOrderWhileFetchingConcurrently) {
  std::mt19937 random(20240601);
  std::uniform_int_distribution<int> delay(0, 40);
  constexpr int kUrls = 300;
  std::string input;
  // A slow first URL: everything after it finishes first, and must wait.
  input += U("/delay/300?i=0") + "\n";
  for (int i = 1; i < kUrls; ++i) {
    input += U("/delay/" + std::to_string(delay(random)) + "?i=" + std::to_string(i)) + "\n";
  }
  const ProcessResult r = RunFetchpool({"--ordered", "-w", "8"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), kUrls + 1u) << r.out;
  for (int i = 0; i < kUrls; ++i) {
    ASSERT_TRUE(Has(lines[i], "?i=" + std::to_string(i) + " (")) << "position " << i;
    EXPECT_TRUE(lines[i].starts_with("[OK]   ")) << lines[i];
  }
  const auto summary = ParseSummary(lines.back());
  ASSERT_TRUE(summary) << lines.back();
  EXPECT_EQ(summary->total, static_cast<std::uint64_t>(kUrls));
  EXPECT_EQ(summary->ok, static_cast<std::uint64_t>(kUrls));
  EXPECT_EQ(server_.max_in_flight(), 8);
}

TEST_F(OutputIntegrationTest, OrderedJsonAndRandomDelaysKeepInputOrder) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> delay(0, 300);
  std::string input;
  for (int i = 0; i < 24; ++i) {
    input += U("/delay/" + std::to_string(delay(random)) + "?i=" + std::to_string(i)) + "\n";
  }
  const ProcessResult r = RunFetchpool({"--ordered", "--json", "-w", "8"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto records = ParseJsonLines(r.out);
  ASSERT_EQ(records.size(), 27u) << "run, 24 results, end, summary";
  for (int i = 0; i < 24; ++i) EXPECT_EQ(records[i + 1]["index"], i + 1);
  EXPECT_EQ(records.back()["type"], "summary");
}

TEST_F(OutputIntegrationTest, OrderedSlowHeadStopsNewWorkInsteadOfBuffering) {
  constexpr int kFast = 2000;
  std::string input = U("/delay/1500") + "\n";
  for (int i = 0; i < kFast; ++i) input += U("/size/0?i=" + std::to_string(i)) + "\n";
  Subprocess proc = StartFetchpool({"--ordered", "-w", "4"});
  std::thread feeder([&] {
    proc.WriteStdin(input);
    proc.CloseStdin();
  });
  // Once the head is being served (it takes 1.5 s), give the fast URLs most of
  // a second to run ahead of it: plenty to fill the window many times over.
  const bool head_arrived = Eventually([&] { return server_.request_count() >= 1; });
  if (head_arrived) std::this_thread::sleep_for(900ms);
  const std::size_t started_while_blocked = server_.request_count();
  const bool head_still_running = server_.in_flight() >= 1;
  const std::string printed_while_blocked = proc.StdoutSoFar();
  const ProcessResult r = proc.Wait(30s);
  feeder.join();
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(head_arrived);
  ASSERT_TRUE(head_still_running);
  // docs/output.md: at most max(256, 16 x workers) URLs start ahead of the oldest unprinted one.
  EXPECT_LE(started_while_blocked, 257u);
  EXPECT_EQ(printed_while_blocked, "");
  EXPECT_GT(started_while_blocked, 4u) << "the window let nothing run ahead";
  const auto lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), kFast + 2u);
  EXPECT_TRUE(Has(lines[0], "/delay/1500 ("));
  for (int i = 0; i < kFast; ++i) {
    ASSERT_TRUE(Has(lines[i + 1], "?i=" + std::to_string(i) + " (")) << "position " << i + 1;
  }
  const auto summary = ParseSummary(lines.back());
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->total, kFast + 1u);
}

}  // namespace
}  // namespace fetchpool::testing
