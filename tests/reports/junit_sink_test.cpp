#include "fetchpool/reports/junit_sink.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/python.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

TEST(XmlEscapeTest, EscapesMarkupAndReplacesWhatXmlCannotCarry) {
  EXPECT_EQ(XmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(XmlEscape(std::string("x\0y\x1b", 4)), "x\\x00y\\x1b");
  EXPECT_EQ(XmlEscape("\xff\xc3"), "\\xff\\xc3") << "invalid UTF-8";
  EXPECT_EQ(XmlEscape("caf\xc3\xa9"), "caf\xc3\xa9") << "valid UTF-8 passes";
  EXPECT_EQ(XmlEscape("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "surrogates are not characters";
  EXPECT_EQ(XmlEscape("a\nb"), "a&#10;b");
}

class JUnitSinkTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(JUnitSinkTest, WritesAFileThatParsesWithCountsAndFailures) {
  const std::string path = dir_ / "report.xml";
  std::unique_ptr<ResultSink> report;
  const Status created = JUnitSink::Create(path, &report);
  ASSERT_TRUE(created.ok()) << created.message();
  Result ok;
  ok.origin.url = "http://h/ok";
  ok.verdict.ok = true;
  ok.transfer.elapsed = 1500us;
  Result fail;
  fail.origin.url = std::string("http://h/<&\"'\x1b\xff", 16);
  fail.verdict.error = "HTTP 500";
  fail.verdict.error_kind = ErrorKind::kHttpStatus;
  Result aborted;
  aborted.origin.url = "http://h/aborted";
  aborted.verdict.error_kind = ErrorKind::kAborted;
  report->Add(ok);
  report->Add(fail);
  report->Add(aborted);
  Summary s;
  s.total = 2;
  s.ok = 1;
  s.failed = 1;
  s.elapsed_s = 1.25;
  LatencyStats latency;
  EXPECT_TRUE(report->Finish({.summary = s, .latency = latency}).ok());
  report.reset();

  const testing::ProcessResult py =
      testing::RunPythonScript("junit_first_failure.py", {path}, "", 10s);
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, "testsuites 2 1 2 1 HTTP 500 http://h/<&\"'\n");
  // Nothing left behind but the report itself.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(JUnitSinkTest, UnwritableLocationIsReportedUpFront) {
  std::unique_ptr<ResultSink> report;
  const Status created = JUnitSink::Create(dir_ / "missing/r.xml", &report);
  EXPECT_FALSE(report);
  EXPECT_NE(created.message().find("cannot write JUnit report"), std::string::npos)
      << created.message();
}

TEST_F(JUnitSinkTest, DestroyedWithoutFinishLeavesNoTemporaryFiles) {
  std::unique_ptr<ResultSink> report;
  ASSERT_TRUE(JUnitSink::Create(dir_ / "r.xml", &report).ok());
  report.reset();
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
}

TEST_F(JUnitSinkTest, AWarnedUrlStaysAPassingCaseWithTheWarningInSystemOut) {
  const std::string path = dir_ / "j.xml";
  std::unique_ptr<ResultSink> report;
  ASSERT_TRUE(JUnitSink::Create(path, &report).ok());
  Result warned;
  warned.origin.url = "http://h/403";
  warned.verdict.error = "HTTP 403";
  warned.verdict.error_kind = ErrorKind::kHttpStatus;
  warned.verdict.warning = true;
  report->Add(warned);
  Summary s;
  s.total = s.warned = 1;
  LatencyStats latency;
  ASSERT_TRUE(report->Finish({.summary = s, .latency = latency, .interrupted = true}).ok());
  const testing::ProcessResult py = testing::RunPythonScript("junit_summary.py", {path});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const nlohmann::json suite = nlohmann::json::parse(py.out);
  EXPECT_EQ(suite["suite_failures"], "0");
  ASSERT_EQ(suite["cases"].size(), 1u);
  EXPECT_EQ(suite["cases"][0]["failed"], false);
  EXPECT_EQ(suite["cases"][0]["system_out"], "warning (http_status): http://h/403: HTTP 403");
  EXPECT_EQ(suite["properties"]["interrupted"], "true");
}

}  // namespace
}  // namespace fetchpool
