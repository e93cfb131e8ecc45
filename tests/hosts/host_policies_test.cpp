#include "fetchpool/hosts/host_policies.hpp"

#include <gtest/gtest.h>

#include "fetchpool/hosts/host_pattern.hpp"

namespace fetchpool {
namespace {

TEST(HostPatternTest, ExactNamesAndWildcardsAreNormalised) {
  std::string why;
  EXPECT_EQ(ParseHostPattern("API.GitHub.com.", &why)->Text(), "api.github.com");
  EXPECT_EQ(ParseHostPattern("*.Internal.Example", &why)->Text(), "*.internal.example");
  EXPECT_EQ(ParseHostPattern("127.0.0.1", &why)->Text(), "127.0.0.1");
  EXPECT_EQ(ParseHostPattern("[::1]", &why)->Text(), "[::1]");
  EXPECT_EQ(ParseHostPattern("bücher.example", &why)->Text(), "xn--bcher-kva.example");
}

TEST(HostPatternTest, BadPatternsSayWhatWasExpected) {
  for (const char* bad :
       {"", "*", "*.", "a.*.b", "*x.com", "**.com", "https://a.com", "a.com/x", "a.com:443", "a..b",
        "-", "a b", "*.[::1]", "[zz]", "u@h", "\xef\xbb\xbf.example.com"}) {
    std::string why;
    EXPECT_FALSE(ParseHostPattern(bad, &why).has_value()) << bad;
    EXPECT_TRUE(why.starts_with("expected ")) << bad << ": " << why;
  }
}

TEST(HostPatternTest, AWildcardMatchesSubdomainsAtAnyDepthButNotTheDomain) {
  const HostPattern p = *ParseHostPattern("*.example.com", nullptr);
  EXPECT_TRUE(p.Matches("a.example.com"));
  EXPECT_TRUE(p.Matches("a.b.example.com"));
  EXPECT_FALSE(p.Matches("example.com"));
  EXPECT_FALSE(p.Matches("badexample.com"));
  EXPECT_FALSE(p.Matches("example.com.evil"));
}

Options WithSections(std::vector<HostSection> sections) {
  Options o;
  o.fetch.headers = {"X-Run: run", "Accept: text/html"};
  o.fetch.user = "run:pw";
  o.dispatch.per_host = 8;
  o.config.hosts = std::move(sections);
  return o;
}

TEST(HostPoliciesTest, WithoutSectionsEveryHostHasTheRunsSettings) {
  const HostPolicies p(WithSections({}));
  EXPECT_EQ(&p.For("a.example"), &p.For("b.example"));
  EXPECT_TRUE(p.For("a.example").headers.empty());
  EXPECT_EQ(p.For("a.example").carried_headers,
            (std::vector<std::string>{"X-Run: run", "Accept: text/html"}));
  EXPECT_EQ(p.user(), "run:pw");
}

TEST(HostPoliciesTest, TheMostSpecificSectionWinsKeyByKey) {
  HostSection wide{.pattern = "*.example.com"};
  wide.set.per_host = 2;
  wide.set.headers = std::vector<std::string>{"X-Wide: w", "Accept: */*"};
  wide.set.timeout_s = 5;
  HostSection deeper{.pattern = "*.api.example.com"};
  deeper.set.headers = std::vector<std::string>{"X-Wide: deeper"};
  HostSection exact{.pattern = "v1.api.example.com"};
  exact.set.user = "exact:pw";
  exact.set.per_host = 1;
  const HostPolicies p(WithSections({exact, wide, deeper}));

  const HostPolicy& v1 = p.For("v1.api.example.com");
  EXPECT_EQ(v1.section, "v1.api.example.com");
  EXPECT_EQ(v1.per_host, 1);
  EXPECT_EQ(v1.timeout_s, 5);
  EXPECT_EQ(v1.user, std::optional<std::string>("exact:pw"));
  EXPECT_EQ(v1.headers, (std::vector<std::string>{"Accept: */*", "X-Wide: deeper"}));
  // The run's own headers first; a section's header of the same name replaces them.
  EXPECT_EQ(v1.carried_headers,
            (std::vector<std::string>{"X-Run: run", "Accept: */*", "X-Wide: deeper"}));

  EXPECT_EQ(p.For("v2.api.example.com").section, "*.api.example.com");
  EXPECT_EQ(p.For("v2.api.example.com").per_host, 2);
  EXPECT_EQ(p.For("www.example.com").section, "*.example.com");
  EXPECT_EQ(p.For("example.com").index, 0u);
  EXPECT_EQ(p.For("example.com").per_host, 8);
}

TEST(HostPoliciesTest, EachDistinctCaFileIsListedOnce) {
  HostSection a{.pattern = "a.example"};
  a.set.cacert = "/ca/one.pem";
  HostSection b{.pattern = "b.example"};
  b.set.cacert = "/ca/one.pem";
  HostSection c{.pattern = "c.example"};
  c.set.cacert = "/ca/two.pem";
  c.set.insecure = true;
  const HostPolicies p(WithSections({a, b, c}));
  EXPECT_EQ(p.ca_files(), (std::vector<std::string>{"", "/ca/one.pem", "/ca/two.pem"}));
  EXPECT_EQ(p.For("a.example").ca_file, 1u);
  EXPECT_EQ(p.For("b.example").ca_file, 1u);
  EXPECT_EQ(p.For("c.example").ca_file, 2u);
  EXPECT_TRUE(p.For("c.example").insecure);
  EXPECT_FALSE(p.For("d.example").insecure);
}

TEST(HostPoliciesTest, RulesFollowTheSection) {
  HostSection a{.pattern = "slow.example"};
  a.set.per_host = 2;
  a.set.per_host_interval = std::chrono::milliseconds(500);
  const HostPolicies p(WithSections({a}));
  const HostRules base{.max_at_once = 8};
  EXPECT_EQ(p.RulesFor("slow.example", base).max_at_once, 2);
  EXPECT_EQ(p.RulesFor("slow.example", base).start_interval, std::chrono::milliseconds(500));
  EXPECT_EQ(p.RulesFor("fast.example", base).max_at_once, 8);
}

TEST(HostPoliciesTest, ASectionsWarnKeepsTheRunsStrict) {
  HostSection a{.pattern = "walled.example"};
  a.set.warn = *WarnSpec::Parse("moved");
  Options o = WithSections({a});
  o.verdict.strict = true;
  const HostPolicies p(o);
  EXPECT_TRUE(p.For("walled.example").verdict.strict) << "--strict holds in a section too";
  EXPECT_TRUE(p.For("walled.example").verdict.warn.Lists(ErrorKind::kMoved, 301));
  EXPECT_TRUE(p.For("other.example").verdict.strict);
}

TEST(MergeHeadersTest, ReplacesByNameCaseInsensitively) {
  EXPECT_EQ(MergeHeaders({"A: 1", "b: 2", "C;"}, {"B: 3", "c:"}),
            (std::vector<std::string>{"A: 1", "B: 3", "c:"}));
}

}  // namespace
}  // namespace fetchpool
