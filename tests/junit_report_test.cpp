#include "fetchpool/junit_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
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

class JUnitReportTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(JUnitReportTest, WritesAFileThatParsesWithCountsAndFailures) {
  const std::string path = dir_ / "report.xml";
  std::string error;
  auto report = JUnitReport::Create(path, error);
  ASSERT_TRUE(report) << error;
  Result ok;
  ok.url = "http://h/ok";
  ok.ok = true;
  ok.elapsed = 1500us;
  Result fail;
  fail.url = std::string("http://h/<&\"'\x1b\xff", 16);
  fail.error = "HTTP 500";
  fail.error_kind = ErrorKind::kHttpStatus;
  Result aborted;
  aborted.url = "http://h/aborted";
  aborted.error_kind = ErrorKind::kAborted;
  report->Add(ok);
  report->Add(fail);
  report->Add(aborted);
  Summary s;
  s.total = 2;
  s.ok = 1;
  s.failed = 1;
  s.elapsed_s = 1.25;
  EXPECT_EQ(report->Finish(s), "");
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

TEST_F(JUnitReportTest, UnwritableLocationIsReportedUpFront) {
  std::string error;
  auto report = JUnitReport::Create(dir_ / "missing/r.xml", error);
  EXPECT_FALSE(report);
  EXPECT_NE(error.find("cannot write JUnit report"), std::string::npos) << error;
}

TEST_F(JUnitReportTest, DestroyedWithoutFinishLeavesNoTemporaryFiles) {
  std::string error;
  auto report = JUnitReport::Create(dir_ / "r.xml", error);
  ASSERT_TRUE(report);
  report.reset();
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
}

}  // namespace
}  // namespace fetchpool
