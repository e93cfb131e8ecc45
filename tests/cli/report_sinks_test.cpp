// AddReportSinks: the report sinks the options ask for, created before anything is fetched.
#include "fetchpool/cli/report_sinks.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "ci_report_samples.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

class ReportSinksTest : public ReportFileTest {};

TEST_F(ReportSinksTest, CreatesEachReportAskedFor) {
  Options options;
  std::vector<std::unique_ptr<ResultSink>> reports;
  ASSERT_TRUE(AddReportSinks(options, reports).ok());
  EXPECT_TRUE(reports.empty());
  options.output.markdown_path = Path("r.md");
  options.output.sarif_path = Path("r.sarif");
  options.output.codequality_path = Path("cq.json");
  options.output.junit_path = Path("r.xml");
  options.output.html_path = Path("r.html");
  ASSERT_TRUE(AddReportSinks(options, reports).ok());
  EXPECT_EQ(reports.size(), 5u);
  reports.clear();
  EXPECT_EQ(FilesInDir(), 0u) << "an unfinished report leaves nothing behind";
}

TEST_F(ReportSinksTest, AnUnwritableLocationIsReportedUpFront) {
  const std::string missing = Path("no/such/dir/r");
  for (const char* what : {"Markdown", "SARIF", "Code Quality", "JUnit", "HTML"}) {
    Options options;
    const std::string_view name = what;
    (name == "Markdown" ? options.output.markdown_path
     : name == "SARIF"  ? options.output.sarif_path
     : name == "JUnit"  ? options.output.junit_path
     : name == "HTML"   ? options.output.html_path
                        : options.output.codequality_path) = missing;
    std::vector<std::unique_ptr<ResultSink>> reports;
    const Status s = AddReportSinks(options, reports);
    EXPECT_NE(s.message().find(std::string("cannot write ") + what + " report '" + missing + "'"),
              std::string::npos)
        << s.message();
  }
}

TEST_F(ReportSinksTest, ADirectoryIsRefusedUpFront) {
  Options options;
  options.output.html_path = dir_.path();
  std::vector<std::unique_ptr<ResultSink>> reports;
  const Status s = AddReportSinks(options, reports);
  EXPECT_NE(s.message().find("Is a directory"), std::string::npos) << s.message();
  EXPECT_EQ(FilesInDir(), 0u);
}

TEST_F(ReportSinksTest, AReportNeverOverwritesAnInputOrAnotherReport) {
  const std::string list = dir_.Write("urls.txt", "http://a.example/\n");
  Options options;
  options.input.files = {list};
  options.output.junit_path = dir_.path() + "/./urls.txt";  // another spelling of the list
  std::vector<std::unique_ptr<ResultSink>> reports;
  Status s = AddReportSinks(options, reports);
  EXPECT_NE(s.message().find("--junit '" + options.output.junit_path + "' is also an input"),
            std::string::npos)
      << s.message();

  options.output.junit_path = Path("r.xml");
  options.output.sarif_path = Path("sub/../r.xml");  // not there yet, still the same file
  std::filesystem::create_directory(Path("sub"));
  s = AddReportSinks(options, reports);
  EXPECT_NE(s.message().find("--junit and --sarif both name"), std::string::npos) << s.message();
  EXPECT_TRUE(reports.empty());
  EXPECT_EQ(testing::ReadFile(list), "http://a.example/\n") << "the list is untouched";

  // --rewrite may name its own list (rewriting in place) but not a report's file.
  options.output.sarif_path.clear();
  options.output.rewrite_path = list;
  EXPECT_TRUE(CheckReportPaths(options.output, options.input.files).ok());
  options.output.rewrite_path = Path("r.xml");
  EXPECT_FALSE(CheckReportPaths(options.output, options.input.files).ok());
}

}  // namespace
}  // namespace fetchpool
