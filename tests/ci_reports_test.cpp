// AddCiReports: the report sinks the options ask for, created before anything is fetched.
#include "fetchpool/ci_reports.hpp"

#include <gtest/gtest.h>

#include "ci_report_samples.hpp"

namespace fetchpool {
namespace {

class CiReportsTest : public ReportFileTest {};

TEST_F(CiReportsTest, CreatesEachReportAskedFor) {
  Options options;
  std::vector<std::unique_ptr<ResultSink>> reports;
  ASSERT_TRUE(AddCiReports(options, reports).ok());
  EXPECT_TRUE(reports.empty());
  options.output.markdown_path = Path("r.md");
  options.output.sarif_path = Path("r.sarif");
  options.output.codequality_path = Path("cq.json");
  ASSERT_TRUE(AddCiReports(options, reports).ok());
  EXPECT_EQ(reports.size(), 3u);
  reports.clear();
  EXPECT_EQ(FilesInDir(), 0u) << "an unfinished report leaves nothing behind";
}

TEST_F(CiReportsTest, AnUnwritableLocationIsReportedUpFront) {
  const std::string missing = Path("no/such/dir/r");
  for (const char* what : {"Markdown", "SARIF", "Code Quality"}) {
    Options options;
    const std::string_view name = what;
    (name == "Markdown" ? options.output.markdown_path
     : name == "SARIF"  ? options.output.sarif_path
                        : options.output.codequality_path) = missing;
    std::vector<std::unique_ptr<ResultSink>> reports;
    const Status s = AddCiReports(options, reports);
    EXPECT_NE(s.message().find(std::string("cannot write ") + what + " report '" + missing + "'"),
              std::string::npos)
        << s.message();
  }
}

}  // namespace
}  // namespace fetchpool
