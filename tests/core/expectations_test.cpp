#include "fetchpool/core/expectations.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string_view>

#include "fetchpool/core/result.hpp"

namespace fetchpool {
namespace {

// sha256("hello world")
constexpr const char* kHelloSha =
    "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

TEST(ParseExpectationsTest, ParsesEveryKind) {
  Expectations e;
  ASSERT_EQ(
      ParseExpectations(
          " status=200,301 max-ms=500 contains=hello%20world sha256=" + std::string(kHelloSha), e),
      "");
  ASSERT_TRUE(e.status);
  EXPECT_TRUE(e.status->Contains(301));
  EXPECT_EQ(e.max_ms, 500);
  EXPECT_EQ(e.contains, "hello world");
  EXPECT_EQ(e.contains_text, "hello%20world");
  EXPECT_EQ(e.sha256, kHelloSha);
}

TEST(ParseExpectationsTest, UpperCaseHexIsAccepted) {
  Expectations e;
  std::string upper = kHelloSha;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_EQ(ParseExpectations("sha256=" + upper, e), "");
  EXPECT_EQ(e.sha256, kHelloSha);
}

TEST(ParseExpectationsTest, ExplainsBadChecks) {
  Expectations e;
  EXPECT_EQ(ParseExpectations("stat=200", e),
            "unknown check 'stat=200' (expected status=, max-ms=, contains= or sha256=)");
  EXPECT_EQ(ParseExpectations("status=", e),
            "'status=' is not a check (expected status=, max-ms=, contains= or sha256=)");
  EXPECT_EQ(ParseExpectations("status=abc", e),
            "bad check status=abc: expected e.g. 200,301 or 200-299");
  EXPECT_EQ(ParseExpectations("max-ms=-3", e),
            "bad check max-ms=-3: expected a positive whole number");
  EXPECT_EQ(ParseExpectations("sha256=abc", e), "bad check sha256=abc: expected 64 hex digits");
}

// What the checker saw of a body fed in `chunks`.
BodyFacts Observed(const Expectations* e, std::initializer_list<std::string_view> chunks) {
  BodyChecker c;
  c.Reset(e);
  for (std::string_view chunk : chunks) c.Consume(chunk);
  BodyFacts facts;
  c.Observe(facts);
  return facts;
}

TEST(BodyCheckerTest, NoExpectationsObserveNothing) {
  const BodyFacts facts = Observed(nullptr, {"anything"});
  EXPECT_FALSE(facts.contains_found);
  EXPECT_EQ(facts.sha256, "");
}

TEST(BodyCheckerTest, ContainsFindsTextSplitAcrossChunks) {
  Expectations e;
  ASSERT_EQ(ParseExpectations("contains=needle", e), "");
  EXPECT_TRUE(Observed(&e, {"hay hay ne", "e", "dle hay"}).contains_found);
  EXPECT_FALSE(Observed(&e, {"hay needl", "x needl"}).contains_found);
  EXPECT_EQ(Observed(&e, {"needle"}).sha256, "") << "no digest unless sha256= asks for it";
}

TEST(BodyCheckerTest, Sha256OverChunksAndRestart) {
  Expectations e;
  ASSERT_EQ(ParseExpectations(std::string("sha256=") + kHelloSha, e), "");
  BodyChecker c;
  c.Reset(&e);
  c.Consume("garbage from a first attempt");
  c.Restart();
  c.Consume("hello ");
  c.Consume("world");
  BodyFacts facts;
  c.Observe(facts);
  EXPECT_EQ(facts.sha256, kHelloSha);
  EXPECT_EQ(Observed(&e, {"hello"}).sha256,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
}

}  // namespace
}  // namespace fetchpool
