#include "fetchpool/input/unified_diff.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fetchpool {
namespace {

struct Added {
  std::string path;
  std::uint64_t line;
  std::string text;
  bool operator==(const Added&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Added& a) {
  return os << a.path << ":" << a.line << ": " << a.text;
}

std::vector<Added> Read(std::string_view diff) {
  UnifiedDiff reader;
  std::vector<Added> out;
  while (!diff.empty()) {
    const std::size_t nl = diff.find('\n');
    const std::string_view line = diff.substr(0, nl);
    diff.remove_prefix(nl == std::string_view::npos ? diff.size() : nl + 1);
    if (const auto a = reader.Line(line))
      out.push_back({std::string(a->path), a->line, std::string(a->text)});
  }
  return out;
}

TEST(UnifiedDiffTest, AddedLinesWithTheirNewLineNumbers) {
  const auto added = Read(
      "diff --git a/docs/a.md b/docs/a.md\n"
      "index 1111111..2222222 100644\n"
      "--- a/docs/a.md\n"
      "+++ b/docs/a.md\n"
      "@@ -1,3 +1,4 @@ # Title\n"
      " one\n"
      "-two\n"
      "+two, see https://x.example\n"
      "+and more\n"
      " three\n"
      "@@ -10,2 +11,2 @@\n"
      " ten\n"
      "-+++ not a header\n"
      "++++ not a header either\n");
  EXPECT_EQ(added, (std::vector<Added>{{"docs/a.md", 2, "two, see https://x.example"},
                                       {"docs/a.md", 3, "and more"},
                                       {"docs/a.md", 12, "+++ not a header either"}}));
}

TEST(UnifiedDiffTest, ZeroContextHunksAndNoNewlineMarkers) {
  const auto added = Read(
      "--- a/x.txt\n"
      "+++ b/x.txt\n"
      "@@ -5 +5,2 @@\n"
      "-old\n"
      "+new\n"
      "+last\n"
      "\\ No newline at end of file\n"
      "@@ -0,0 +8 @@\n"
      "+appended\n");
  EXPECT_EQ(added, (std::vector<Added>{
                       {"x.txt", 5, "new"}, {"x.txt", 6, "last"}, {"x.txt", 8, "appended"}}));
}

TEST(UnifiedDiffTest, DeletedFilesRenamesAndBinaryAddNothing) {
  const auto added = Read(
      "diff --git a/gone.md b/gone.md\n"
      "deleted file mode 100644\n"
      "--- a/gone.md\n"
      "+++ /dev/null\n"
      "@@ -1,2 +0,0 @@\n"
      "-https://old.example\n"
      "-bye\n"
      "diff --git a/old.md b/new.md\n"
      "similarity index 100%\n"
      "rename from old.md\n"
      "rename to new.md\n"
      "diff --git a/img.png b/img.png\n"
      "Binary files a/img.png and b/img.png differ\n"
      "diff --git a/logo.png b/logo.png\n"
      "new file mode 100644\n"
      "GIT binary patch\n"
      "literal 5\n"
      "McmZQzU|?i`000310RR91\n"
      "\n"
      "diff --git a/moved.md b/docs/moved.md\n"
      "similarity index 80%\n"
      "rename from moved.md\n"
      "rename to docs/moved.md\n"
      "--- a/moved.md\n"
      "+++ b/docs/moved.md\n"
      "@@ -2 +2 @@\n"
      "-http://old.example\n"
      "+https://new.example\n");
  EXPECT_EQ(added, (std::vector<Added>{{"docs/moved.md", 2, "https://new.example"}}));
}

TEST(UnifiedDiffTest, PlainDiffUAndQuotedGitNames) {
  auto added = Read(
      "--- old/notes.txt\t2024-01-01 10:00:00.000000000 +0000\n"
      "+++ new/notes.txt\t2024-01-02 10:00:00.000000000 +0000\n"
      "@@ -1 +1 @@\n"
      "-a\n"
      "+b\r\n");
  EXPECT_EQ(added, (std::vector<Added>{{"new/notes.txt", 1, "b\r"}}));
  added = Read(
      "diff --git \"a/t\\303\\251st \\\"q\\\".md\" \"b/t\\303\\251st \\\"q\\\".md\"\n"
      "--- \"a/t\\303\\251st \\\"q\\\".md\"\n"
      "+++ \"b/t\\303\\251st \\\"q\\\".md\"\n"
      "@@ -1,0 +1 @@\n"
      "+x\n");
  EXPECT_EQ(added, (std::vector<Added>{{"t\xC3\xA9st \"q\".md", 1, "x"}}));
  added = Read(
      "diff --git docs/a.md docs/a.md\n"  // --no-prefix
      "--- docs/a.md\n"
      "+++ docs/a.md\n"
      "@@ -1 +1 @@\n"
      "-a\n"
      "+b\n");
  EXPECT_EQ(added, (std::vector<Added>{{"docs/a.md", 1, "b"}}));
}

TEST(UnifiedDiffTest, AnEmptyContextLineStillCounts) {
  const auto added = Read(
      "--- a/f\n"
      "+++ b/f\n"
      "@@ -1,3 +1,3 @@\n"
      " a\n"
      "\n"  // a context line whose space an editor stripped
      "-c\n"
      "+C\n");
  EXPECT_EQ(added, (std::vector<Added>{{"f", 3, "C"}}));
}

TEST(UnifiedDiffTest, AHunkShorterThanItsHeaderSaysEndsAtTheNextHeader) {
  const auto added = Read(
      "--- a/f\n"
      "+++ b/f\n"
      "@@ -1,5 +1,5 @@\n"
      "+one\n"
      "diff --git a/g b/g\n"
      "--- a/g\n"
      "+++ b/g\n"
      "@@ -1 +1 @@\n"
      "-x\n"
      "+y\n");
  EXPECT_EQ(added, (std::vector<Added>{{"f", 1, "one"}, {"g", 1, "y"}}));
}

}  // namespace
}  // namespace fetchpool
