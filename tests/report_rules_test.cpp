// Rule ids, report paths and fingerprints shared by the SARIF and Code Quality reports.
#include "fetchpool/report_rules.hpp"

#include <gtest/gtest.h>

#include <set>

namespace fetchpool {
namespace {

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

}  // namespace
}  // namespace fetchpool
