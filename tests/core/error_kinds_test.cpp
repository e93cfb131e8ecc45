// The one table of error-kind spellings: machine names, labels, report rules and --warn names.
#include "fetchpool/core/error_kinds.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace fetchpool {
namespace {

constexpr int kLast = static_cast<int>(ErrorKind::kOther);

ErrorKind Kind(int k) { return static_cast<ErrorKind>(k); }

TEST(ErrorKindsTest, EveryKindHasDistinctNamesLabelsAndRules) {
  std::set<std::string> names, labels, ids, rule_names;
  for (int k = 0; k <= kLast; ++k) {
    const std::string name = ErrorKindName(Kind(k));
    EXPECT_EQ(name.empty(), Kind(k) == ErrorKind::kNone) << k;
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_TRUE(labels.insert(ErrorKindLabel(Kind(k))).second) << ErrorKindLabel(Kind(k));
    const ReportRule& rule = RuleFor(Kind(k));
    EXPECT_TRUE(ids.insert(std::string(rule.id)).second) << rule.id;
    EXPECT_TRUE(rule_names.insert(std::string(rule.name)).second) << rule.name;
    EXPECT_FALSE(rule.description.empty()) << rule.id;
  }
  EXPECT_STREQ(ErrorKindName(ErrorKind::kHttpStatus), "http_status");
  EXPECT_STREQ(ErrorKindLabel(ErrorKind::kConnect), "connection failed");
  EXPECT_EQ(RuleFor(ErrorKind::kHttpStatus).id, "http-status");
  EXPECT_EQ(RuleFor(ErrorKind::kTimeout).id, "timeout");
  EXPECT_EQ(RuleFor(ErrorKind::kConnect).id, "connection");
  EXPECT_EQ(RuleFor(ErrorKind::kTls).id, "tls");
  EXPECT_EQ(RuleFor(ErrorKind::kCheckFailed).id, "check-failed");
}

TEST(ErrorKindsTest, MachineNamesReadBackAndUnknownNamesAreOther) {
  for (int k = 1; k <= kLast; ++k) EXPECT_EQ(ErrorKindNamed(ErrorKindName(Kind(k))), Kind(k));
  EXPECT_EQ(ErrorKindNamed("a_kind_from_a_newer_version"), ErrorKind::kOther);
}

TEST(ErrorKindsTest, WarnTakesEitherSpellingButNeverNoneOrAborted) {
  EXPECT_EQ(WarnableKindNamed("connect"), ErrorKind::kConnect);
  EXPECT_EQ(WarnableKindNamed("connection"), ErrorKind::kConnect);
  EXPECT_EQ(WarnableKindNamed("http_status"), ErrorKind::kHttpStatus);
  EXPECT_EQ(WarnableKindNamed("http-status"), ErrorKind::kHttpStatus);
  EXPECT_EQ(WarnableKindNamed("none"), std::nullopt);
  EXPECT_EQ(WarnableKindNamed(""), std::nullopt);
  EXPECT_EQ(WarnableKindNamed("aborted"), std::nullopt);
  EXPECT_EQ(WarnableKindNamed("Timeout"), std::nullopt);  // callers lower-case first
  int warnable = 0;
  for (int k = 0; k <= kLast; ++k) warnable += WarnableKindNamed(ErrorKindName(Kind(k))) ? 1 : 0;
  EXPECT_EQ(warnable, kLast - 1);  // all but kNone and kAborted
}

}  // namespace
}  // namespace fetchpool
