// The CI reports one sink at a time (issue 13): --warn's decision, GitHub annotations, and the
// Markdown, SARIF and Code Quality files, each read back by a real consumer (ci_report_checks).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ci_report_checks.hpp"
#include "fetchpool/annotation_sink.hpp"
#include "fetchpool/codequality_sink.hpp"
#include "fetchpool/junit_sink.hpp"
#include "fetchpool/markdown_sink.hpp"
#include "fetchpool/report.hpp"
#include "fetchpool/report_rules.hpp"
#include "fetchpool/sarif_sink.hpp"
#include "fetchpool/slowest_urls.hpp"
#include "fetchpool/warn_spec.hpp"
#include "support/cli_runner.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using testing::TempDir;

// Markdown, HTML, GitHub and workflow-command syntax, control bytes and invalid UTF-8.
const std::string kHostileUrl = std::string(
    "http://h/a|b`c`<script>x</script>*e*_f_~~g~~[l](javascript:x)\\$m$@n#1:smile:,%0A::w\x1b"
    "\xff www.evil.example");

Result Failure(std::string url, ErrorKind kind, std::string error, std::uint64_t line = 1,
               std::string_view input = "urls.txt") {
  Result r;
  r.url = std::move(url);
  r.input = input;
  r.line = line;
  r.error_kind = kind;
  r.error = std::move(error);
  r.elapsed = 5ms;
  if (kind == ErrorKind::kHttpStatus) r.http_status = std::stol(r.error.substr(5));
  return r;
}

Result Ok(std::string url, std::chrono::microseconds elapsed, std::uint64_t seq = 0) {
  Result r;
  r.url = std::move(url);
  r.ok = true;
  r.input = "urls.txt";
  r.line = seq + 1;
  r.seq = seq;
  r.elapsed = elapsed;
  return r;
}

std::string Visible(std::string_view text) {
  std::string out;
  AppendEscaped(out, text);
  return out;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// --- --warn -------------------------------------------------------------------

TEST(WarnSpecTest, ParsesStatusesRangesClassesAndKinds) {
  const std::optional<WarnSpec> spec = WarnSpec::Parse("403,429,5xx,500-504,timeout,check-failed");
  ASSERT_TRUE(spec);
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kHttpStatus, "HTTP 403")));
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kHttpStatus, "HTTP 503")));
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kHttpStatus, "HTTP 599")));
  EXPECT_FALSE(spec->Applies(Failure("u", ErrorKind::kHttpStatus, "HTTP 404")));
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kTimeout, "timed out after 1s")));
  EXPECT_TRUE(spec->Applies(Failure("u", ErrorKind::kCheckFailed, "check max-ms=1 failed")));
  EXPECT_FALSE(spec->Applies(Failure("u", ErrorKind::kConnect, "connection refused")));
  // JSON names and rule ids both work, in any case.
  for (const char* text :
       {"connect", "connection", "CONNECTION", "check_failed", "5XX", "http-status"}) {
    EXPECT_TRUE(WarnSpec::Parse(text)) << text;
  }
  EXPECT_TRUE(WarnSpec::Parse("connect")->Applies(Failure("u", ErrorKind::kConnect, "refused")));
}

TEST(WarnSpecTest, RejectsWhatIsNeitherStatusNorKind) {
  for (const char* text : {"", ",", "403,", "timeout,,403", "99", "1000", "6xy", "x5x", "5xxx",
                           "time-out", "aborted", "none", "504-500", "ok"}) {
    EXPECT_FALSE(WarnSpec::Parse(text)) << text;
  }
}

TEST(WarnSpecTest, StatusesOnlyMatchHttpStatusFailuresSoALinesStatusCheckWins) {
  const WarnSpec spec = *WarnSpec::Parse("403");
  // With status=200 on its line, a 403 fails the check, not --accept: the line's check wins.
  Result checked = Failure("u", ErrorKind::kCheckFailed, "check status=200 failed: got 403");
  checked.http_status = 403;
  EXPECT_FALSE(spec.Applies(checked));
  Result ok = Ok("u", 1ms);
  ok.http_status = 403;  // e.g. status=403 on the line: ok, nothing to warn about
  EXPECT_FALSE(spec.Applies(ok));
  Result aborted = Failure("u", ErrorKind::kAborted, "aborted");
  EXPECT_FALSE(WarnSpec::Parse("403,timeout,other")->Applies(aborted));
}

TEST(WarnSpecTest, ApplyingKeepsAWarningAnotherRuleMade) {
  Result r = Failure("u", ErrorKind::kHttpStatus, "HTTP 500");
  r.warning = true;  // --fail-after's, say
  ApplyWarnSpec(*WarnSpec::Parse("404"), r);
  EXPECT_TRUE(r.warning);
  Result s = Failure("u", ErrorKind::kHttpStatus, "HTTP 404");
  ApplyWarnSpec(*WarnSpec::Parse("404"), s);
  EXPECT_TRUE(s.warning);
  ApplyWarnSpec(WarnSpec(), s);
  EXPECT_TRUE(s.warning);
}

// --- rules and fingerprints ------------------------------------------------------

TEST(ReportRulesTest, RuleIdsAreUniqueAndNameTheIssuesKinds) {
  std::set<std::string_view> ids;
  for (int k = 0; k <= static_cast<int>(ErrorKind::kOther); ++k) {
    const ReportRule& rule = RuleFor(static_cast<ErrorKind>(k));
    EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
    EXPECT_FALSE(rule.description.empty());
  }
  EXPECT_EQ(RuleFor(ErrorKind::kHttpStatus).id, "http-status");
  EXPECT_EQ(RuleFor(ErrorKind::kTimeout).id, "timeout");
  EXPECT_EQ(RuleFor(ErrorKind::kConnect).id, "connection");
  EXPECT_EQ(RuleFor(ErrorKind::kTls).id, "tls");
  EXPECT_EQ(RuleFor(ErrorKind::kCheckFailed).id, "check-failed");
}

TEST(ReportRulesTest, FingerprintsDependOnFileUrlAndKindOnly) {
  const std::string fp = FindingFingerprint("urls.txt", "http://h/", ErrorKind::kTimeout);
  EXPECT_EQ(fp.size(), 64u);
  EXPECT_EQ(fp, FindingFingerprint("./urls.txt", "http://h/", ErrorKind::kTimeout));
  EXPECT_NE(fp, FindingFingerprint("other.txt", "http://h/", ErrorKind::kTimeout));
  EXPECT_NE(fp, FindingFingerprint("urls.txt", "http://h/x", ErrorKind::kTimeout));
  EXPECT_NE(fp, FindingFingerprint("urls.txt", "http://h/", ErrorKind::kConnect));
  // No separator games: ("a", "b:c") and ("a:b", "c") differ.
  EXPECT_NE(FindingFingerprint("a", "bc", ErrorKind::kTls),
            FindingFingerprint("ab", "c", ErrorKind::kTls));
  EXPECT_EQ(ReportPath("./a/b.txt"), "a/b.txt");
  EXPECT_EQ(ReportPath("-"), "-");
  EXPECT_EQ(ReportPath("/abs/x"), "/abs/x");
}

// --- GitHub annotations ------------------------------------------------------------

TEST(GithubAnnotationTest, OneWorkflowCommandPerFailedOrWarnedUrl) {
  Result fail = Failure("http://h/missing", ErrorKind::kHttpStatus, "HTTP 404", 7, "docs/urls.txt");
  EXPECT_EQ(
      GithubAnnotation(fail),
      "::error file=docs/urls.txt,line=7,title=fetchpool::http://h/missing \u2014 HTTP 404\n");
  fail.warning = true;
  EXPECT_EQ(GithubAnnotation(fail),
            "::warning file=docs/urls.txt,line=7,title=fetchpool::"
            "http://h/missing \u2014 HTTP 404\n");
  Result from_stdin =
      Failure("http://h/", ErrorKind::kConnect, "connection refused", 2, kStdinName);
  EXPECT_EQ(GithubAnnotation(from_stdin),
            "::error line=2,title=fetchpool::http://h/ \u2014 connection refused\n");
  EXPECT_EQ(GithubAnnotation(Ok("http://h/", 1ms)), "");
  EXPECT_EQ(GithubAnnotation(Failure("http://h/", ErrorKind::kAborted, "aborted")), "");
}

TEST(GithubAnnotationTest, EscapesAsGithubDocuments) {
  EXPECT_EQ(EscapeGithubData("a%b\rc\nd:e,f"), "a%25b%0Dc%0Ad:e,f");
  EXPECT_EQ(EscapeGithubProperty("a%b\rc\nd:e,f"), "a%25b%0Dc%0Ad%3Ae%2Cf");
  Result r = Failure(kHostileUrl, ErrorKind::kOther, "bad\r\nreason 100%", 3, "a,b:c%.txt");
  const std::string line = GithubAnnotation(r);
  EXPECT_TRUE(line.starts_with("::error file=a%2Cb%3Ac%25.txt,line=3,title=fetchpool::")) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line, whatever the input";
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << "control bytes are shown as \\xNN";
  EXPECT_NE(line.find("\\x0d\\x0areason 100%25"), std::string::npos) << line;
}

TEST(GithubAnnotationTest, FollowsEachTextLineOnStdout) {
  SinkBuffers buffers;
  std::unique_ptr<ResultSink> sink =
      MakeStdoutSink({.format = OutputFormat::kText, .github_annotations = true}, buffers);
  sink->Add(Ok("http://h/ok", 1ms));
  sink->Add(Failure("http://h/x", ErrorKind::kHttpStatus, "HTTP 500", 2));
  Summary s;
  LatencyStats l;
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = l}).ok());
  EXPECT_EQ(buffers.out,
            "[OK]   http://h/ok (0.0KB, 1ms)\n"
            "[FAIL] http://h/x (HTTP 500, 5ms)\n"
            "::error file=urls.txt,line=2,title=fetchpool::http://h/x \u2014 HTTP 500\n"
            "Summary: 0 total, 0 ok, 0 failed, 0.00s elapsed\n");
}

// --- Markdown -------------------------------------------------------------------

TEST(MarkdownCellTest, EscapesEverythingMarkdownCouldActOn) {
  EXPECT_EQ(MarkdownCell("a|b"), "a&#124;b");
  EXPECT_EQ(MarkdownCell("<b>&"), "&lt;b&gt;&amp;");
  EXPECT_EQ(MarkdownCell("http://www.x"), "http&#58;//&#119;ww.x");
  EXPECT_EQ(MarkdownCell(std::string("\x1b\n", 2)), "&#92;x1b&#92;x0a");
  EXPECT_EQ(MarkdownCell("plain text 123"), "plain text 123");
  EXPECT_EQ(MarkdownCell("\xc3\xa9\xc3\xa9", 3), "\xc3\xa9\u2026") << "cut on a character";
}

TEST(SlowestUrlsTest, KeepsTheSlowestInBoundedMemory) {
  SlowestUrls slowest(10);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    slowest.Add(
        Ok("http://h/" + std::to_string(i), std::chrono::milliseconds((i * 7919) % 1000), i));
  }
  const std::vector<SlowestUrls::Entry> top = slowest.Sorted();
  ASSERT_EQ(top.size(), 10u);
  for (std::size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(top[i].elapsed, std::chrono::milliseconds(999 - i)) << i;
  }
}

class ReportFileTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }
  std::size_t FilesInDir() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_.path())) ++n;
    return n;
  }
  TempDir dir_;
};

TEST_F(ReportFileTest, MarkdownTablesParseWithBothRenderersAndCapAt1000Rows) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(MarkdownSink::Create(Path("r.md"), {}, &sink).ok());
  Summary s;
  sink->Add(Failure(kHostileUrl, ErrorKind::kOther, "server said <b>|`x`|</b>", 1));
  for (int i = 0; i < 1004; ++i) {
    Result r = Failure("http://h/" + std::to_string(i), ErrorKind::kHttpStatus, "HTTP 404",
                       static_cast<std::uint64_t>(i + 2));
    r.attempts = 2;
    sink->Add(r);
  }
  Result warned = Failure("http://h/w", ErrorKind::kTimeout, "timed out after 1s", 9, kStdinName);
  warned.warning = true;
  warned.elapsed = 2s;
  sink->Add(warned);
  sink->Add(Ok("http://h/slow", 3s, 3000));
  s.total = 1007;
  s.failed = 1005;
  s.warned = 1;
  s.ok = 1;
  s.aborted = 1;
  LatencyStats latency;
  latency.Add(3s);
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = latency, .interrupted = true}).ok());
  sink.reset();
  EXPECT_EQ(FilesInDir(), 1u) << "no temporary file left";

  const Json rendered = testing::RenderedMarkdown(Path("r.md"));
  ASSERT_TRUE(rendered.is_object());
  for (const char* renderer : {"python", "gfm"}) {
    SCOPED_TRACE(renderer);
    const Json& r = rendered[renderer];
    // Only the markup the report itself writes: no tag, link or image from a URL or reason.
    for (const Json& tag : r["tags"]) {
      EXPECT_TRUE((std::set<std::string>{"h2", "h3", "p", "table", "thead", "tbody", "tr", "th",
                                         "td", "blockquote", "strong"}
                       .contains(tag.get<std::string>())))
          << tag;
    }
    EXPECT_EQ(r["headings"], Json({"fetchpool: 1005 failed, 1 warned, 1 ok", "Failures", "Warnings",
                                   "Latency", "Slowest URLs"}));
    const Json& tables = r["tables"];
    ASSERT_EQ(tables.size(), 5u) << r["html"].get<std::string>().substr(0, 3000);
    EXPECT_EQ(tables[0]["header"], Json({"URLs", "ok", "failed", "warned", "retries", "time"}));
    EXPECT_EQ(tables[0]["rows"][0][0], "1007");
    const Json& failures = tables[1];
    EXPECT_EQ(failures["header"], Json({"Input", "URL", "Reason", "Attempts"}));
    ASSERT_EQ(failures["rows"].size(), 1000u);
    EXPECT_EQ(failures["rows"][0],
              Json({"urls.txt:1", Visible(kHostileUrl), "server said <b>|`x`|</b>", "1"}));
    EXPECT_EQ(failures["rows"][1], Json({"urls.txt:2", "http://h/0", "HTTP 404", "2"}));
    for (const Json& row : failures["rows"]) EXPECT_EQ(row.size(), 4u);
    EXPECT_EQ(tables[2]["rows"],
              Json::array({{"(stdin):9", "http://h/w", "timed out after 1s", "1"}}));
    EXPECT_EQ(tables[3]["header"], Json({"p50", "p90", "p99", "max"}));
    EXPECT_EQ(tables[4]["rows"][0], Json({"urls.txt:3001", "http://h/slow", "3000ms", "ok"}));
    EXPECT_EQ(tables[4]["rows"][1][3], "warning: timed out after 1s");
    EXPECT_EQ(tables[4]["rows"].size(), 10u);
    bool more = false;
    bool interrupted = false;
    for (const Json& p : r["paragraphs"]) {
      const std::string text = p.get<std::string>();
      more |= text.find("and 5 more failures are not shown") != std::string::npos;
      interrupted |= text.starts_with("Interrupted:") &&
                     text.find("1 transfer in progress was aborted") != std::string::npos;
    }
    EXPECT_TRUE(more) << r["paragraphs"].dump();
    EXPECT_TRUE(interrupted) << r["paragraphs"].dump();
  }
}

TEST_F(ReportFileTest, MarkdownWithoutFailuresSaysSo) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(MarkdownSink::Create(Path("r.md"), {}, &sink).ok());
  sink->Add(Ok("http://h/", 1ms));
  Summary s;
  s.total = s.ok = 1;
  LatencyStats latency;
  latency.Add(1ms);
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = latency}).ok());
  const std::string text = ReadFile(Path("r.md"));
  EXPECT_NE(text.find("### Failures\n\nNo failures.\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("Warnings"), std::string::npos);
  EXPECT_EQ(text.find("Interrupted"), std::string::npos);
}

TEST_F(ReportFileTest, UnwritableLocationsAreReportedUpFront) {
  std::unique_ptr<ResultSink> sink;
  const std::string missing = Path("no/such/dir/r");
  EXPECT_NE(MarkdownSink::Create(missing, {}, &sink).message().find("cannot write Markdown"),
            std::string::npos);
  EXPECT_NE(SarifSink::Create(missing, &sink).message().find("cannot write SARIF"),
            std::string::npos);
  EXPECT_NE(CodeQualitySink::Create(missing, {}, &sink).message().find("cannot write Code Quality"),
            std::string::npos);
}

// --- SARIF -----------------------------------------------------------------------

std::vector<Result> Findings() {
  std::vector<Result> results;
  results.push_back(Failure("http://h/404", ErrorKind::kHttpStatus, "HTTP 404", 3, "./urls.txt"));
  results.push_back(Failure(kHostileUrl, ErrorKind::kTimeout, "timed out after 1s", 4));
  Result warned = Failure("http://h/403", ErrorKind::kHttpStatus, "HTTP 403", 5, "my urls.txt");
  warned.warning = true;
  results.push_back(warned);
  results.push_back(
      Failure("http://h/refused", ErrorKind::kConnect, "connection refused", 6, kStdinName));
  results.push_back(Ok("http://h/ok", 1ms));
  results.push_back(Failure("http://h/aborted", ErrorKind::kAborted, "aborted"));
  return results;
}

Status WriteReport(ResultSink& sink, const std::vector<Result>& results, bool interrupted) {
  for (const Result& r : results) sink.Add(r);
  Summary s;
  s.total = 5;
  s.failed = 3;
  s.warned = 1;
  s.ok = 1;
  LatencyStats latency;
  return sink.Finish({.summary = s, .latency = latency, .interrupted = interrupted});
}

TEST_F(ReportFileTest, SarifIsValidAndCarriesRulesLocationsAndLevels) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(SarifSink::Create(Path("r.sarif"), &sink).ok());
  ASSERT_TRUE(WriteReport(*sink, Findings(), false).ok());
  sink.reset();
  EXPECT_EQ(FilesInDir(), 1u);
  const Json doc = testing::ValidatedJson(Path("r.sarif"), testing::kSarifSchema);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["version"], "2.1.0");
  const Json& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "fetchpool");
  EXPECT_EQ(run["invocations"][0]["executionSuccessful"], true);
  const Json& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 3u) << "one per kind used, in order of first use";
  EXPECT_EQ(rules[0]["id"], "http-status");
  EXPECT_EQ(rules[1]["id"], "timeout");
  EXPECT_EQ(rules[2]["id"], "connection");
  for (const Json& rule : rules) EXPECT_FALSE(rule["shortDescription"]["text"].empty());
  const Json& results = run["results"];
  ASSERT_EQ(results.size(), 4u) << "ok and aborted results are not findings";
  for (const Json& r : results) {
    EXPECT_EQ(rules[r["ruleIndex"].get<std::size_t>()]["id"], r["ruleId"]);
    EXPECT_EQ(r["partialFingerprints"]["fetchpoolFinding/v1"].get<std::string>().size(), 64u);
  }
  EXPECT_EQ(results[0]["level"], "error");
  EXPECT_EQ(results[0]["message"]["text"], "http://h/404: HTTP 404");
  const Json& where = results[0]["locations"][0]["physicalLocation"];
  EXPECT_EQ(where["artifactLocation"]["uri"], "urls.txt");
  EXPECT_EQ(where["region"]["startLine"], 3);
  EXPECT_EQ(results[2]["level"], "warning");
  EXPECT_EQ(results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "my%20urls.txt");
  EXPECT_EQ(results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "-");
  // The hostile URL survives as JSON (invalid UTF-8 replaced).
  EXPECT_TRUE(results[1]["message"]["text"].get<std::string>().starts_with(
      "http://h/a|b`c`<script>x</script>"));
  EXPECT_EQ(results[0]["partialFingerprints"],
            Json({{"fetchpoolFinding/v1",
                   FindingFingerprint("urls.txt", "http://h/404", ErrorKind::kHttpStatus)}}));
}

TEST_F(ReportFileTest, SarifOfAnInterruptedOrEmptyRunIsValidAndSaysSo) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(SarifSink::Create(Path("r.sarif"), &sink).ok());
  ASSERT_TRUE(WriteReport(*sink, {}, true).ok());
  const Json doc = testing::ValidatedJson(Path("r.sarif"), testing::kSarifSchema);
  ASSERT_TRUE(doc.is_object());
  const Json& invocation = doc["runs"][0]["invocations"][0];
  EXPECT_EQ(invocation["executionSuccessful"], false);
  EXPECT_NE(invocation["toolExecutionNotifications"][0]["message"]["text"].get<std::string>().find(
                "interrupted"),
            std::string::npos);
  EXPECT_TRUE(doc["runs"][0]["results"].empty());
}

// --- GitLab Code Quality -------------------------------------------------------------

TEST_F(ReportFileTest, CodeQualityIsValidWithSeveritiesAndStableFingerprints) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(CodeQualitySink::Create(Path("cq.json"), {"urls.txt"}, &sink).ok());
  ASSERT_TRUE(WriteReport(*sink, Findings(), false).ok());
  sink.reset();
  EXPECT_EQ(FilesInDir(), 1u);
  const Json doc = testing::ValidatedJson(Path("cq.json"), testing::kCodeQualitySchema);
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 4u);
  EXPECT_EQ(doc[0]["description"], "http://h/404: HTTP 404");
  EXPECT_EQ(doc[0]["check_name"], "http-status");
  EXPECT_EQ(doc[0]["severity"], "major");
  EXPECT_EQ(doc[0]["location"]["path"], "urls.txt");
  EXPECT_EQ(doc[0]["location"]["lines"]["begin"], 3);
  EXPECT_EQ(doc[0]["fingerprint"],
            FindingFingerprint("urls.txt", "http://h/404", ErrorKind::kHttpStatus));
  EXPECT_EQ(doc[2]["severity"], "minor");
  EXPECT_EQ(doc[2]["location"]["path"], "my urls.txt");
  std::set<std::string> fingerprints;
  for (const Json& issue : doc) fingerprints.insert(issue["fingerprint"].get<std::string>());
  EXPECT_EQ(fingerprints.size(), doc.size());

  // Another run where the lines moved: the same fingerprints.
  std::vector<Result> moved = Findings();
  for (Result& r : moved) r.line += 10;
  ASSERT_TRUE(CodeQualitySink::Create(Path("cq2.json"), {"urls.txt"}, &sink).ok());
  ASSERT_TRUE(WriteReport(*sink, moved, false).ok());
  const Json again = testing::ValidatedJson(Path("cq2.json"), testing::kCodeQualitySchema);
  ASSERT_TRUE(again.is_array());
  for (std::size_t i = 0; i < doc.size(); ++i) {
    EXPECT_EQ(again[i]["fingerprint"], doc[i]["fingerprint"]);
    EXPECT_EQ(again[i]["location"]["lines"]["begin"],
              doc[i]["location"]["lines"]["begin"].get<int>() + 10);
  }
}

TEST_F(ReportFileTest, CodeQualityOfAnInterruptedRunAddsAnInfoIssue) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(CodeQualitySink::Create(Path("cq.json"), {"./a.txt", "b.txt"}, &sink).ok());
  ASSERT_TRUE(WriteReport(*sink, {}, true).ok());
  const Json doc = testing::ValidatedJson(Path("cq.json"), testing::kCodeQualitySchema);
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0]["check_name"], "interrupted");
  EXPECT_EQ(doc[0]["severity"], "info");
  EXPECT_EQ(doc[0]["location"]["path"], "a.txt");

  ASSERT_TRUE(CodeQualitySink::Create(Path("empty.json"), {}, &sink).ok());
  ASSERT_TRUE(WriteReport(*sink, {}, false).ok());
  EXPECT_EQ(testing::ValidatedJson(Path("empty.json"), testing::kCodeQualitySchema), Json::array());
}

// --- JUnit and warnings ----------------------------------------------------------------

TEST_F(ReportFileTest, JUnitKeepsAWarnedUrlPassingAndRecordsTheWarning) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(JUnitSink::Create(Path("j.xml"), &sink).ok());
  Result warned = Failure("http://h/403", ErrorKind::kHttpStatus, "HTTP 403");
  warned.warning = true;
  sink->Add(warned);
  Summary s;
  s.total = s.warned = 1;
  LatencyStats latency;
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = latency, .interrupted = true}).ok());
  const testing::ProcessResult py = testing::RunProcess(
      {"/usr/bin/python3", "-c",
       "import sys, xml.etree.ElementTree as ET\n"
       "suite = ET.parse(sys.argv[1]).getroot().find('testsuite')\n"
       "case = suite.find('testcase')\n"
       "prop = suite.find('properties/property')\n"
       "print(suite.get('failures'), case.find('failure'), case.find('system-out').text,\n"
       "      prop.get('name'), prop.get('value'))\n",
       Path("j.xml")},
      "", 30s);
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, "0 None warning (http_status): http://h/403: HTTP 403 interrupted true\n");
}

}  // namespace
}  // namespace fetchpool
