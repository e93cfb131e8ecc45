// AddReportSinks: the report sinks the options ask for, created before anything is fetched.
#include "fetchpool/cli/report_sinks.hpp"

#include <gtest/gtest.h>

#include "ci_report_samples.hpp"

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

}  // namespace
}  // namespace fetchpool
