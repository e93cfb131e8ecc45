#include "fetchpool/reports/stitched_file.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

using testing::ReadFile;
using testing::TempDir;

TEST(StitchedFileTest, HeadBodyAndTailLandTogetherAtTheEnd) {
  TempDir dir;
  std::unique_ptr<StitchedFile> file;
  ASSERT_TRUE(StitchedFile::Create(dir / "r.xml", "report", &file).ok());
  file->Append("b1\n");
  file->Append("b2\n");
  EXPECT_EQ(dir.List().size(), 1u) << "only the hidden body file exists before Commit";
  EXPECT_NE(dir.List()[0], "r.xml");
  ASSERT_TRUE(file->Commit("head\n", "tail\n").ok());
  file.reset();
  EXPECT_EQ(dir.List(), std::vector<std::string>{"r.xml"});
  EXPECT_EQ(ReadFile(dir / "r.xml"), "head\nb1\nb2\ntail\n");
}

TEST(StitchedFileTest, UncommittedLeavesNothingAndBadPathsFailUpFront) {
  TempDir dir;
  {
    std::unique_ptr<StitchedFile> file;
    ASSERT_TRUE(StitchedFile::Create(dir / "r.xml", "report", &file).ok());
    file->Append("x");
  }
  EXPECT_TRUE(dir.List().empty());
  std::unique_ptr<StitchedFile> file;
  const Status s = StitchedFile::Create(dir / "missing/r.xml", "SARIF report", &file);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("cannot write SARIF report '" + (dir / "missing/r.xml") + "'", 0), 0u)
      << s.message();
}

}  // namespace
}  // namespace fetchpool
