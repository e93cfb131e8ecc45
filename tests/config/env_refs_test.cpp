#include "fetchpool/config/env_refs.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace fetchpool {
namespace {

const std::map<std::string, std::string> kEnv = {{"TOKEN", "t0k"}, {"EMPTY", ""}, {"_a1", "x"}};

const char* Get(const char* name) {
  const auto it = kEnv.find(name);
  return it == kEnv.end() ? nullptr : it->second.c_str();
}

std::string Expand(std::string_view text) {
  std::string out;
  const EnvRefProblem p = ExpandEnvRefs(text, Get, &out);
  return p.kind == EnvRefProblem::Kind::kNone ? out : "ERROR: " + p.message;
}

TEST(EnvRefsTest, ReplacesReferencesAndDoubledDollars) {
  EXPECT_EQ(Expand("Bearer ${TOKEN}"), "Bearer t0k");
  EXPECT_EQ(Expand("${TOKEN}${_a1}$$${TOKEN}"), "t0kx$t0k");
  EXPECT_EQ(Expand("pa$$word"), "pa$word");
  EXPECT_EQ(Expand("no references"), "no references");
}

TEST(EnvRefsTest, AMissingOrEmptyVariableIsNamed) {
  std::string out;
  const EnvRefProblem missing = ExpandEnvRefs("x ${GITHUB_TOKEN}", Get, &out);
  EXPECT_EQ(missing.kind, EnvRefProblem::Kind::kMissing);
  EXPECT_EQ(missing.name, "GITHUB_TOKEN");
  EXPECT_EQ(missing.message, "environment variable GITHUB_TOKEN is not set");
  const EnvRefProblem empty = ExpandEnvRefs("${EMPTY}", Get, &out);
  EXPECT_EQ(empty.kind, EnvRefProblem::Kind::kEmpty);
  EXPECT_EQ(empty.name, "EMPTY");
}

TEST(EnvRefsTest, AnyOtherDollarIsAMistake) {
  for (const char* bad :
       {"$TOKEN", "$", "a$", "${", "${TOKEN", "${}", "${1A}", "${A-B}", "${ TOKEN}"}) {
    EXPECT_TRUE(Expand(bad).starts_with("ERROR: ")) << bad;
  }
}

TEST(EnvRefsTest, EscapingRoundTrips) {
  for (const char* text : {"", "$", "$$", "${TOKEN}", "a$b$$c"}) {
    EXPECT_EQ(Expand(EscapeEnvRefs(text)), text);
  }
}

}  // namespace
}  // namespace fetchpool
