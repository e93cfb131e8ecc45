// Integration tests for the CI reports (issue 13): the real binary against the loopback server,
// with two URL lists, --warn, annotations on stdout, and the Markdown, SARIF, Code Quality and
// JUnit files read back by real consumers (ci_report_checks.hpp).
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ci_report_checks.hpp"
#include "support/cli_runner.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class CiReportsIntegrationTest : public ::testing::Test {
 protected:
  std::string U(std::string_view path) const { return server_.url(path); }
  // One refused port per test (each RefusedPort() call binds another).
  std::string Refused() const { return refused_; }
  std::string P(const std::string& name) const { return dir_ / name; }

  // fetchpool ARGS run inside the temporary directory, so input names are relative, as in CI.
  ProcessResult RunInDir(const std::vector<std::string>& args, std::string_view stdin_data = {}) {
    std::string command = "cd " + Quote(dir_.path()) + " && exec " + Quote(FETCHPOOL_BINARY);
    for (const std::string& a : args) command += " " + Quote(a);
    return RunCli("/bin/sh", {"-c", command}, stdin_data);
  }

  // a.txt and b.txt: failures, warnings (403 and 5xx with --warn 403,5xx), a status= check that
  // wins over --warn, an invalid line and a refused connection.
  void WriteLists() {
    dir_.Write("a.txt", "# links\n" + U("/status/404") + "\n" + U("/size/10") + "\n" +
                            U("/status/503") + "\nftp://example.com/\n");
    dir_.Write("b.txt",
               U("/status/403") + "\n" + U("/status/403") + " status=200\n" + Refused() + "\n");
  }

  TestServer server_;
  TempDir dir_;
  std::string refused_ = "http://127.0.0.1:" + std::to_string(RefusedPort()) + "/";
};

TEST_F(CiReportsIntegrationTest, EveryReportOfOneRunIsValidAndAgrees) {
  WriteLists();
  const ProcessResult r = RunInDir({"--warn", "403,5xx", "--annotate", "github", "--markdown",
                                    "r.md", "--sarif", "r.sarif", "--codequality", "cq.json",
                                    "--junit", "j.xml", "--ordered", "a.txt", "./b.txt"});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // Annotations follow their lines on stdout; PATH is the input as given.
  const std::vector<std::string> lines = SplitLines(r.out);
  const std::vector<std::string> expected = {
      "[FAIL] " + U("/status/404") + " (HTTP 404, ",
      "::error file=a.txt,line=2,title=fetchpool::" + U("/status/404") + " \u2014 HTTP 404",
      "[OK]   " + U("/size/10"),
      "[WARN] " + U("/status/503") + " (HTTP 503, ",
      "::warning file=a.txt,line=4,title=fetchpool::" + U("/status/503") + " \u2014 HTTP 503",
      "[FAIL] ftp://example.com/ (invalid URL",
      "::error file=a.txt,line=5,title=fetchpool::ftp://example.com/ \u2014 invalid URL: "
      "unsupported scheme 'ftp' (only http and https)",
      "[WARN] " + U("/status/403") + " (HTTP 403, ",
      "::warning file=./b.txt,line=1,title=fetchpool::" + U("/status/403") + " \u2014 HTTP 403",
      "[FAIL] " + U("/status/403") + " (check status=200 failed: got 403",
      "::error file=./b.txt,line=2,title=fetchpool::" + U("/status/403") +
          " \u2014 check status=200 failed: got 403",
      "[FAIL] " + Refused() + " (connection refused",
      "::error file=./b.txt,line=3,title=fetchpool::" + Refused() + " \u2014 connection refused",
      "Summary: 7 total, 1 ok, 4 failed, 2 warned, ",
  };
  ASSERT_EQ(lines.size(), expected.size()) << r.out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(lines[i].starts_with(expected[i])) << i << ": " << lines[i];
  }

  const Json sarif = ValidatedJson(P("r.sarif"), kSarifSchema);
  ASSERT_TRUE(sarif.is_object());
  const Json& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 6u);
  std::vector<std::string> seen;
  for (const Json& f : results) {
    const Json& where = f["locations"][0]["physicalLocation"];
    seen.push_back(f["level"].get<std::string>() + " " + f["ruleId"].get<std::string>() + " " +
                   where["artifactLocation"]["uri"].get<std::string>() + ":" +
                   std::to_string(where["region"]["startLine"].get<int>()));
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{"error http-status a.txt:2", "warning http-status a.txt:4",
                                      "error invalid-url a.txt:5", "warning http-status b.txt:1",
                                      "error check-failed b.txt:2", "error connection b.txt:3"}));
  EXPECT_EQ(sarif["runs"][0]["invocations"][0]["executionSuccessful"], true);

  const Json cq = ValidatedJson(P("cq.json"), kCodeQualitySchema);
  ASSERT_TRUE(cq.is_array());
  ASSERT_EQ(cq.size(), 6u);
  for (std::size_t i = 0; i < cq.size(); ++i) {
    EXPECT_EQ(cq[i]["severity"], results[i]["level"] == "error" ? "major" : "minor") << i;
    EXPECT_EQ(cq[i]["check_name"], results[i]["ruleId"]) << i;
    EXPECT_EQ(cq[i]["fingerprint"], results[i]["partialFingerprints"]["fetchpoolFinding/v1"]);
  }
  EXPECT_EQ(cq[5]["location"], Json({{"path", "b.txt"}, {"lines", {{"begin", 3}}}}));

  const Json md = RenderedMarkdown(P("r.md"));
  ASSERT_TRUE(md.is_object());
  for (const char* renderer : {"python", "gfm"}) {
    SCOPED_TRACE(renderer);
    const Json& tables = md[renderer]["tables"];
    ASSERT_GE(tables.size(), 3u);
    EXPECT_EQ(tables[0]["rows"][0][0], "7");
    std::vector<std::string> failures, warnings;
    for (const Json& row : tables[1]["rows"]) failures.push_back(row[0]);
    for (const Json& row : tables[2]["rows"]) warnings.push_back(row[0]);
    EXPECT_EQ(failures, (std::vector<std::string>{"a.txt:2", "a.txt:5", "./b.txt:2", "./b.txt:3"}));
    EXPECT_EQ(warnings, (std::vector<std::string>{"a.txt:4", "./b.txt:1"}));
    EXPECT_EQ(tables[1]["rows"][0][1], U("/status/404"));
  }

  const ProcessResult junit = RunPythonScript("junit_summary.py", {P("j.xml")});
  ASSERT_EQ(junit.exit_code, 0) << junit.err;
  const Json suite = Json::parse(junit.out);
  int failed = 0, with_out = 0;
  for (const Json& c : suite["cases"]) {
    failed += c["failed"].get<bool>();
    with_out += !c["system_out"].is_null();
  }
  EXPECT_EQ(suite["suite_tests"], "7");
  EXPECT_EQ(suite["suite_failures"], "4");
  EXPECT_EQ(failed, 4);
  EXPECT_EQ(with_out, 2) << "warned cases pass, with the warning in system-out";
}

TEST_F(CiReportsIntegrationTest, WarningsAloneExitZeroAndDoNotTripMaxFailures) {
  const std::string input = U("/status/404") + "\n" + U("/status/404") + "\n" +
                            U("/flaky?key=w&fails=5&status=503") + "\n" + U("/size/1") + "\n";
  const ProcessResult r = RunInDir({"--warn", "404,503", "--max-failures", "1", "--retries", "1",
                                    "--retry-wait", "0", "-w", "1", "--json"},
                                   input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  int warned = 0;
  for (const std::string& line : SplitLines(r.out)) {
    const Json j = Json::parse(line);
    if (j["type"] == "summary") {
      EXPECT_EQ(j["total"], 4);
      EXPECT_EQ(j["failed"], 0);
      EXPECT_EQ(j["warned"], 3);
      continue;
    }
    if (j["type"] != "result") continue;  // the run and end records
    EXPECT_EQ(j["file"], "-");
    if (j["warning"] == true) ++warned;
    if (j["url"] == U("/flaky?key=w&fails=5&status=503")) {
      EXPECT_EQ(j["attempts"], 2) << "retried first; the final result is the warning";
      EXPECT_EQ(j["warning"], true);
    }
  }
  EXPECT_EQ(warned, 3);
}

TEST_F(CiReportsIntegrationTest, JsonAndCsvResultsCarryTheInputFile) {
  dir_.Write("a.txt", U("/size/1") + "\n");
  const ProcessResult json = RunInDir({"--json", "--ordered", "a.txt", "-"}, U("/size/2") + "\n");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const std::vector<std::string> lines = SplitLines(json.out);
  ASSERT_EQ(lines.size(), 5u) << "run, two results, end, summary";
  EXPECT_EQ(Json::parse(lines[0])["files"], Json({"a.txt", "-"}));
  EXPECT_EQ(Json::parse(lines[1])["file"], "a.txt");
  EXPECT_EQ(Json::parse(lines[1])["index"], 1);
  EXPECT_EQ(Json::parse(lines[2])["file"], "-");

  const ProcessResult csv =
      RunInDir({"--format", "csv", "--ordered", "a.txt", "-"}, U("/size/2") + "\n");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::vector<std::string> rows = SplitLines(csv.out);
  ASSERT_EQ(rows.size(), 3u);
  // The certificate and address columns come last, empty for plain http.
  EXPECT_TRUE(
      rows[0].ends_with(",warning,file,cached,change,elapsed_us,fail_runs,failing_since_ms,"
                        "column,duplicate_of,baseline,blocked_by,moved_to,upgraded_to,"
                        "cert_expires,cert_days_left,cert_subject,cert_issuer,cert_chain_expires,"
                        "cert_chain_days_left,cert_chain_subject,cert_sha256,address_index,"
                        "address_count\r"))
      << rows[0];
  EXPECT_NE(rows[1].find(",a.txt,false,,"), std::string::npos) << rows[1];
  EXPECT_TRUE(rows[1].ends_with(",,,false,,,,,,,,,,,,,\r")) << rows[1];
  EXPECT_NE(rows[2].find(",-,false,,"), std::string::npos) << rows[2];
  EXPECT_TRUE(rows[2].ends_with(",,,false,,,,,,,,,,,,,\r")) << rows[2];
}

TEST_F(CiReportsIntegrationTest, AfterAnInterruptEveryReportHoldsWhatFinishedMarkedAsSuch) {
  Subprocess proc = StartFetchpool({"-w", "2", "--markdown", P("r.md"), "--sarif", P("r.sarif"),
                                    "--codequality", P("cq.json"), "--annotate", "github"});
  proc.WriteStdin(U("/status/404") + "\n" + U("/delay/10000") + "\n");
  ASSERT_TRUE(proc.WaitForStdout("::error", 10s)) << proc.StderrSoFar();
  ASSERT_TRUE(Eventually([&] { return server_.in_flight() == 1; }));
  proc.Signal(SIGINT);
  const ProcessResult r = proc.Wait(10s);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_TRUE(Has(r.out, "::error line=1,title=fetchpool::" + U("/status/404")))
      << "stdin: no file=";
  EXPECT_TRUE(Has(r.out,
                  "::warning title=fetchpool interrupted::The run was stopped before it finished: "
                  "only the 1 URL that finished was checked (1 in progress was aborted).\n"))
      << r.out;

  const Json sarif = ValidatedJson(P("r.sarif"), kSarifSchema);
  ASSERT_TRUE(sarif.is_object());
  EXPECT_EQ(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
  EXPECT_EQ(sarif["runs"][0]["results"].size(), 1u) << "the aborted transfer is no finding";

  const Json cq = ValidatedJson(P("cq.json"), kCodeQualitySchema);
  ASSERT_TRUE(cq.is_array());
  ASSERT_EQ(cq.size(), 2u);
  EXPECT_EQ(cq[0]["location"]["path"], "-");
  EXPECT_EQ(cq[1]["check_name"], "interrupted");

  const Json md = RenderedMarkdown(P("r.md"));
  ASSERT_TRUE(md.is_object());
  for (const char* renderer : {"python", "gfm"}) {
    bool interrupted = false;
    for (const Json& p : md[renderer]["paragraphs"]) {
      interrupted |= p.get<std::string>().starts_with("Interrupted:");
    }
    EXPECT_TRUE(interrupted) << renderer << ": " << md[renderer]["html"];
    EXPECT_EQ(md[renderer]["tables"][1]["rows"].size(), 1u);
  }
}

TEST_F(CiReportsIntegrationTest, AStopByMaxFailuresMarksTheReportsInterruptedToo) {
  std::string input;
  for (int i = 0; i < 20; ++i) input += U("/status/404?n=" + std::to_string(i)) + "\n";
  const ProcessResult r = RunInDir(
      {"-w", "1", "--max-failures", "1", "--sarif", "r.sarif", "--codequality", "cq.json"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const Json sarif = ValidatedJson(P("r.sarif"), kSarifSchema);
  ASSERT_TRUE(sarif.is_object());
  EXPECT_EQ(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
  EXPECT_LT(sarif["runs"][0]["results"].size(), 20u);
  const Json cq = ValidatedJson(P("cq.json"), kCodeQualitySchema);
  ASSERT_TRUE(cq.is_array());
  ASSERT_FALSE(cq.empty());
  EXPECT_EQ(cq.back()["check_name"], "interrupted");
}

TEST_F(CiReportsIntegrationTest, AnUnwritableReportIsAUsageErrorBeforeFetching) {
  for (const char* flag : {"--markdown", "--sarif", "--codequality"}) {
    const std::string report = P("no/such/dir/report");
    const ProcessResult r = RunFetchpool({flag, report}, U("/size/1") + "\n");
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 2) << flag;
    EXPECT_EQ(r.out, "") << flag;
    EXPECT_TRUE(Has(r.err, report)) << flag;
  }
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(CiReportsIntegrationTest, AReportNeverReplacesTheListOrADirectoryOrAnotherReport) {
  const std::string list = P("urls.txt");
  WriteFile(list, U("/size/1") + "\n");
  std::filesystem::create_directory(P("dir"));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--junit", list, list},
           {"--html", "./" + std::filesystem::relative(list).string(), list},
           {"--markdown", P("dir"), list},
           {"--sarif", P("r.out"), "--codequality", P("r.out"), list},
           {"--junit", "fetchpool-new.xml", "--markdown", "./fetchpool-new.xml", list}}) {
    const ProcessResult r = RunFetchpool(args, "");
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1];
    EXPECT_EQ(r.out, "") << args[0];
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(ReadFile(list), U("/size/1") + "\n");
  EXPECT_FALSE(std::filesystem::exists(P("r.out")));
  EXPECT_FALSE(std::filesystem::exists("fetchpool-new.xml"));
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(CiReportsIntegrationTest, UsageErrors) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--annotate", "gitlab"},
                                             {"--annotate", "github", "--json"},
                                             {"--annotate", "github", "--format", "csv"},
                                             {"--annotate", "github", "-s"},
                                             {"--warn", "4xx,bogus"},
                                             {"--warn", ""},
                                             {"--sarif"}}) {
    const ProcessResult r = RunFetchpool(args, U("/size/1") + "\n");
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args.back();
    EXPECT_EQ(r.out, "") << args[0];
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(server_.request_count(), 0u);
}

}  // namespace
}  // namespace fetchpool::testing
