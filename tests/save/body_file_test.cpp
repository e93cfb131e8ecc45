#include "fetchpool/save/body_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

class BodyFileTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    dir_fd_.reset(::open(dir_.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(dir_fd_);
  }
  BodyFile NewTemp() {
    BodyFile f;
    EXPECT_EQ(BodyFile::CreateTemp(dir_fd_.get(), f, /*anonymous=*/GetParam()).errno_code(), 0);
    return f;
  }

  TempDir dir_;
  UniqueFd dir_fd_;
};

TEST_P(BodyFileTest, UncommittedTemporaryFileLeavesNothing) {
  {
    BodyFile f = NewTemp();
    ASSERT_EQ(f.Write("partial body").errno_code(), 0);
    // Named temporaries are hidden; anonymous ones have no name at all.
    for (const std::string& entry : dir_.List()) EXPECT_EQ(entry[0], '.') << entry;
    if (GetParam()) {
      EXPECT_TRUE(dir_.List().empty());
    }
  }
  EXPECT_TRUE(dir_.List().empty());
}

TEST_P(BodyFileTest, CommitPutsTheWholeBodyInPlace) {
  BodyFile f = NewTemp();
  ASSERT_EQ(f.Write("hello ").errno_code(), 0);
  ASSERT_EQ(f.Write("world").errno_code(), 0);
  EXPECT_EQ(f.size(), 11u);
  ASSERT_EQ(f.Commit("out.txt", /*replace=*/false).errno_code(), 0);
  EXPECT_FALSE(f.is_open());
  EXPECT_EQ(ReadFile(dir_ / "out.txt"), "hello world");
  EXPECT_EQ(dir_.List(), std::vector<std::string>{"out.txt"});
}

TEST_P(BodyFileTest, CommitNeverClobbersWithoutReplace) {
  WriteFile(dir_ / "out.txt", "precious");
  {
    BodyFile f = NewTemp();
    ASSERT_EQ(f.Write("new").errno_code(), 0);
    EXPECT_EQ(f.Commit("out.txt", /*replace=*/false).errno_code(), EEXIST);
  }
  EXPECT_EQ(ReadFile(dir_ / "out.txt"), "precious");
  EXPECT_EQ(dir_.List(), std::vector<std::string>{"out.txt"});
}

TEST_P(BodyFileTest, CommitWithReplaceSwapsAtomically) {
  WriteFile(dir_ / "out.txt", "old");
  BodyFile f = NewTemp();
  ASSERT_EQ(f.Write("new").errno_code(), 0);
  ASSERT_EQ(f.Commit("out.txt", /*replace=*/true).errno_code(), 0);
  EXPECT_EQ(ReadFile(dir_ / "out.txt"), "new");
  EXPECT_EQ(dir_.List(), std::vector<std::string>{"out.txt"});
}

TEST_P(BodyFileTest, ReplaceDoesNotFollowASymlinkPlantedAtTheName) {
  TempDir elsewhere;
  WriteFile(elsewhere / "target", "outside");
  ASSERT_EQ(::symlink((elsewhere / "target").c_str(), (dir_ / "out.txt").c_str()), 0);
  BodyFile f = NewTemp();
  ASSERT_EQ(f.Write("new").errno_code(), 0);
  ASSERT_EQ(f.Commit("out.txt", /*replace=*/true).errno_code(), 0);
  EXPECT_EQ(ReadFile(elsewhere / "target"), "outside");
  struct stat st {};
  ASSERT_EQ(::lstat((dir_ / "out.txt").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_P(BodyFileTest, ModeIs0644LessTheUmask) {
  const mode_t old = ::umask(027);
  BodyFile f = NewTemp();
  ::umask(old);
  ASSERT_EQ(f.Commit("m", false).errno_code(), 0);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "m").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST_P(BodyFileTest, MovedFromObjectRemovesNothing) {
  BodyFile a = NewTemp();
  ASSERT_EQ(a.Write("x").errno_code(), 0);
  BodyFile b(std::move(a));
  a = BodyFile();  // destroying / replacing the moved-from object must not touch b's file
  ASSERT_EQ(b.Commit("kept", false).errno_code(), 0);
  EXPECT_EQ(ReadFile(dir_ / "kept"), "x");
}

INSTANTIATE_TEST_SUITE_P(AnonymousAndNamed, BodyFileTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Anonymous" : "Named"; });

class PartialFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_fd_.reset(::open(dir_.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  TempDir dir_;
  UniqueFd dir_fd_;
};

TEST_F(PartialFileTest, AppendsAndSurvivesItsOwner) {
  WriteFile(dir_ / ".f.part", "abc");
  {
    BodyFile f;
    ASSERT_EQ(BodyFile::OpenPartial(dir_fd_.get(), ".f.part", f).errno_code(), 0);
    EXPECT_EQ(f.size(), 3u);
    ASSERT_EQ(f.Write("def").errno_code(), 0);
  }
  EXPECT_EQ(ReadFile(dir_ / ".f.part"), "abcdef");
}

TEST_F(PartialFileTest, TruncateStartsOver) {
  WriteFile(dir_ / ".f.part", "stale");
  BodyFile f;
  ASSERT_EQ(BodyFile::OpenPartial(dir_fd_.get(), ".f.part", f).errno_code(), 0);
  ASSERT_EQ(f.Truncate().errno_code(), 0);
  ASSERT_EQ(f.Write("fresh").errno_code(), 0);
  ASSERT_EQ(f.Commit("f", false).errno_code(), 0);
  EXPECT_EQ(dir_.List(), std::vector<std::string>{"f"});
  EXPECT_EQ(ReadFile(dir_ / "f"), "fresh");
}

TEST_F(PartialFileTest, DiscardRemovesIt) {
  BodyFile f;
  ASSERT_EQ(BodyFile::OpenPartial(dir_fd_.get(), ".g.part", f).errno_code(), 0);
  f.Discard();
  EXPECT_TRUE(dir_.List().empty());
}

TEST_F(PartialFileTest, RefusesSymlinks) {
  TempDir elsewhere;
  WriteFile(elsewhere / "target", "outside");
  ASSERT_EQ(::symlink((elsewhere / "target").c_str(), (dir_ / ".f.part").c_str()), 0);
  BodyFile f;
  EXPECT_EQ(BodyFile::OpenPartial(dir_fd_.get(), ".f.part", f).errno_code(), ELOOP);
  EXPECT_EQ(ReadFile(elsewhere / "target"), "outside");
}

TEST_F(PartialFileTest, RefusesDirectories) {
  ASSERT_EQ(::mkdir((dir_ / ".d.part").c_str(), 0755), 0);
  BodyFile f;
  EXPECT_NE(BodyFile::OpenPartial(dir_fd_.get(), ".d.part", f).errno_code(), 0);
}

}  // namespace
}  // namespace fetchpool
