#include "fetchpool/save/output_dir.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::unique_ptr<OutputDir> OpenDir(const std::string& path, OnExists mode = OnExists::kRename) {
  SaveOptions options;
  options.dir = path;
  options.on_exists = mode;
  std::unique_ptr<OutputDir> dir;
  const Status opened = OutputDir::Open(options, &dir);
  EXPECT_TRUE(opened.ok()) << opened.message();
  return dir;
}

std::string OpenError(const std::string& path) {
  SaveOptions options;
  options.dir = path;
  std::unique_ptr<OutputDir> dir;
  const Status opened = OutputDir::Open(options, &dir);
  EXPECT_FALSE(opened.ok());
  EXPECT_FALSE(dir);
  return opened.message();
}

TEST(OutputDirTest, CreatesMissingParents) {
  TempDir tmp;
  auto dir = OpenDir(tmp / "a/b/c/");
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->Display("x"), tmp / "a/b/c/x");
  EXPECT_EQ(tmp.List(), (std::vector<std::string>{"a", "a/b", "a/b/c"}));  // the probe is gone
}

TEST(OutputDirTest, UnusableDirectoriesAreErrors) {
  TempDir tmp;
  WriteFile(tmp / "file", "x");
  EXPECT_EQ(OpenError(tmp / "file"),
            "output directory '" + (tmp / "file") + "' is not a directory");
  EXPECT_NE(OpenError(tmp / "file/sub").find("is not a directory"), std::string::npos);
  EXPECT_EQ(OpenError(""), "--output-dir needs a directory");
}

TEST(OutputDirTest, ReadOnlyDirectoryIsAnError) {
  TempDir tmp;
  // Root ignores permission bits, so a read-only mount is the honest test.
  if (::mount("tmpfs", tmp.path().c_str(), "tmpfs", MS_RDONLY, "size=64k") != 0) {
    GTEST_SKIP() << "cannot mount a read-only tmpfs here";
  }
  const std::string error = OpenError(tmp.path());
  ::umount(tmp.path().c_str());
  EXPECT_NE(error.find("is not writable: Read-only file system"), std::string::npos) << error;
}

TEST(OutputDirTest, SubdirectoriesAreCreatedBeneath) {
  TempDir tmp;
  auto dir = OpenDir(tmp.path());
  UniqueFd fd;
  const Status opened = dir->OpenSubdir({"host:80", "a", "b"}, &fd);
  ASSERT_TRUE(opened.ok()) << opened.message();
  struct stat st {};
  EXPECT_EQ(::stat((tmp / "host:80/a/b").c_str(), &st), 0);
  // Opening again reuses what is there.
  EXPECT_TRUE(dir->OpenSubdir({"host:80", "a"}, &fd).ok());
}

TEST(OutputDirTest, SymlinksThatLeadOutAreRefused) {
  TempDir tmp;
  TempDir outside;
  auto dir = OpenDir(tmp.path());
  ASSERT_EQ(::symlink(outside.path().c_str(), (tmp / "host").c_str()), 0);
  UniqueFd fd;
  const std::string error = dir->OpenSubdir({"host", "a"}, &fd).message();
  EXPECT_FALSE(fd);
  EXPECT_NE(error.find("refusing to follow symbolic link"), std::string::npos) << error;
  EXPECT_TRUE(outside.List().empty());
}

TEST(OutputDirTest, AFileInTheWayIsAnError) {
  TempDir tmp;
  auto dir = OpenDir(tmp.path());
  WriteFile(tmp / "a", "file");
  UniqueFd fd;
  const std::string error = dir->OpenSubdir({"a", "b"}, &fd).message();
  EXPECT_FALSE(fd);
  EXPECT_NE(error.find("a file is in the way"), std::string::npos) << error;
}

TEST(OutputDirTest, UnsafeComponentsAreRefused) {
  TempDir tmp;
  auto dir = OpenDir(tmp / "d");
  for (const std::string bad : {"..", ".", "", "a/b"}) {
    UniqueFd fd;
    EXPECT_FALSE(dir->OpenSubdir({bad}, &fd).ok()) << bad;
  }
  EXPECT_EQ(tmp.List(), std::vector<std::string>{"d"});
}

class ClaimTest : public ::testing::Test {
 protected:
  OutputDir::ClaimStatus Claim(OutputDir& dir, const std::string& name, NameClaim& out) {
    return dir.Claim(fd_.get(), "", name, out);
  }
  void Open(OnExists mode) {
    dir_ = OpenDir(tmp_.path(), mode);
    ASSERT_TRUE(dir_->OpenSubdir({}, &fd_).ok());
  }
  TempDir tmp_;
  std::unique_ptr<OutputDir> dir_;
  UniqueFd fd_;
};

TEST_F(ClaimTest, RenameNumbersPastFilesAndClaims) {
  Open(OnExists::kRename);
  WriteFile(tmp_ / "f", "old");
  NameClaim a, b, c;
  ASSERT_EQ(Claim(*dir_, "f", a), OutputDir::ClaimStatus::kClaimed);
  EXPECT_EQ(a.name(), "f.1");
  ASSERT_EQ(Claim(*dir_, "f", b), OutputDir::ClaimStatus::kClaimed);
  EXPECT_EQ(b.name(), "f.2");
  a.Release();  // a failed transfer gives its name back
  ASSERT_EQ(Claim(*dir_, "f", c), OutputDir::ClaimStatus::kClaimed);
  EXPECT_EQ(c.name(), "f.1");
}

TEST_F(ClaimTest, OverwriteReplacesOldFilesButNotThisRunsOwn) {
  Open(OnExists::kOverwrite);
  WriteFile(tmp_ / "f", "old");
  NameClaim a, b, c;
  ASSERT_EQ(Claim(*dir_, "f", a), OutputDir::ClaimStatus::kClaimed);
  EXPECT_EQ(a.name(), "f");
  a.Committed();
  ASSERT_EQ(Claim(*dir_, "f", b), OutputDir::ClaimStatus::kClaimed);
  EXPECT_EQ(b.name(), "f.1");
  ASSERT_EQ(Claim(*dir_, "g", c), OutputDir::ClaimStatus::kClaimed);
  EXPECT_EQ(c.name(), "g");
}

TEST_F(ClaimTest, SkipAndFailReportExistingAndClaimedNames) {
  for (OnExists mode : {OnExists::kSkip, OnExists::kFail}) {
    Open(mode);
    WriteFile(tmp_ / "on-disk", "x");
    NameClaim a, b, c;
    EXPECT_EQ(Claim(*dir_, "on-disk", a), OutputDir::ClaimStatus::kExists);
    EXPECT_FALSE(a);
    EXPECT_EQ(a.name(), "on-disk");
    ASSERT_EQ(Claim(*dir_, "new", b), OutputDir::ClaimStatus::kClaimed);
    EXPECT_EQ(Claim(*dir_, "new", c), OutputDir::ClaimStatus::kExists);
  }
}

TEST_F(ClaimTest, DanglingSymlinkCountsAsTaken) {
  Open(OnExists::kRename);
  ASSERT_EQ(::symlink("/nonexistent/target", (tmp_ / "f").c_str()), 0);
  NameClaim a;
  ASSERT_EQ(Claim(*dir_, "f", a), OutputDir::ClaimStatus::kClaimed);
  EXPECT_EQ(a.name(), "f.1");
}

TEST_F(ClaimTest, ConcurrentClaimsNeverShareAName) {
  Open(OnExists::kRename);
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::vector<std::vector<NameClaim>> claims(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          NameClaim c;
          if (dir_->Claim(fd_.get(), "", "same", c) == OutputDir::ClaimStatus::kClaimed) {
            claims[t].push_back(std::move(c));
          }
        }
      });
    }
  }
  std::set<std::string> names;
  for (const auto& list : claims) {
    for (const NameClaim& c : list) names.insert(c.name());
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace fetchpool
