// Report paths, fingerprints and messages shared by the SARIF and Code Quality reports.
#include "fetchpool/reports/report_rules.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

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
