#include "fetchpool/input/grep_line.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

TEST(GrepLineTest, ReadsPathLineAndText) {
  const auto g = ParseGrepLine("docs/guide.md:12:See https://x.example/a");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->path, "docs/guide.md");
  EXPECT_EQ(g->line, 12u);
  EXPECT_EQ(g->text, "See https://x.example/a");
  EXPECT_EQ(g->text_offset, 17u);
}

TEST(GrepLineTest, SkipsVimgrepsColumn) {
  const auto g = ParseGrepLine("README.md:3:9:a https://x.example");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->path, "README.md");
  EXPECT_EQ(g->line, 3u);
  EXPECT_EQ(g->text, "a https://x.example");
}

TEST(GrepLineTest, AColonInTheTextOrThePathBeforeTheNumbers) {
  auto g = ParseGrepLine("a.md:7:https://x.example:8080/p");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->path, "a.md");
  EXPECT_EQ(g->line, 7u);
  EXPECT_EQ(g->text, "https://x.example:8080/p");
  g = ParseGrepLine("odd:name.md:4:text");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->path, "odd:name.md");
  EXPECT_EQ(g->line, 4u);
}

TEST(GrepLineTest, NulSeparatedPathsOfGrepZ) {
  const std::string line(
      "we:ird.md\0"
      "5:text",
      16);
  const auto g = ParseGrepLine(line);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->path, "we:ird.md");
  EXPECT_EQ(g->line, 5u);
  EXPECT_EQ(g->text, "text");
}

TEST(GrepLineTest, OneFileGrepHasNoPath) {
  const auto g = ParseGrepLine("42:see https://x.example");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->path, "");
  EXPECT_EQ(g->line, 42u);
  EXPECT_EQ(g->text, "see https://x.example");
}

TEST(GrepLineTest, WhatIsNotGrepOutput) {
  EXPECT_FALSE(ParseGrepLine("docs/a.md-12-a context line"));
  EXPECT_FALSE(ParseGrepLine("--"));
  EXPECT_FALSE(ParseGrepLine("Binary file img.png matches"));
  EXPECT_FALSE(ParseGrepLine("docs/a.md:https://x.example"));  // grep without -n
  EXPECT_FALSE(ParseGrepLine("a.md:0:line zero"));
  EXPECT_FALSE(ParseGrepLine("a.md:99999999999999999999:too big"));
  EXPECT_FALSE(ParseGrepLine(""));
}

}  // namespace
}  // namespace fetchpool
