// --sarif FILE: validated against the SARIF 2.1.0 schema with python3-jsonschema.
#include "fetchpool/reports/sarif_sink.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "ci_report_checks.hpp"
#include "ci_report_samples.hpp"
#include "fetchpool/reports/report_rules.hpp"

namespace fetchpool {
namespace {

using Json = nlohmann::json;

class SarifSinkTest : public ReportFileTest {};

TEST_F(SarifSinkTest, SarifIsValidAndCarriesRulesLocationsAndLevels) {
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

TEST_F(SarifSinkTest, SarifOfAnInterruptedOrEmptyRunIsValidAndSaysSo) {
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

}  // namespace
}  // namespace fetchpool
