// --codequality FILE: validated against the GitLab Code Quality schema with python3-jsonschema.
#include "fetchpool/reports/codequality_sink.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "ci_report_checks.hpp"
#include "ci_report_samples.hpp"
#include "fetchpool/reports/report_rules.hpp"

namespace fetchpool {
namespace {

using Json = nlohmann::json;

class CodeQualitySinkTest : public ReportFileTest {};

TEST_F(CodeQualitySinkTest, CodeQualityIsValidWithSeveritiesAndStableFingerprints) {
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
  for (Result& r : moved) r.origin.line += 10;
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

TEST_F(CodeQualitySinkTest, CodeQualityOfAnInterruptedRunAddsAnInfoIssue) {
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

}  // namespace
}  // namespace fetchpool
