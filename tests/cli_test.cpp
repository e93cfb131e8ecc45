#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fetchpool/options.hpp"

namespace fetchpool {
namespace {

ParsedCommandLine Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "fetchpool");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

TEST(CliTest, Defaults) {
  ParsedCommandLine p = Parse({});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->workers, 8);
  EXPECT_EQ(p.options->connect_timeout_s, 10.0);
  EXPECT_EQ(p.options->timeout_s, 0.0);
  EXPECT_EQ(p.options->stall_timeout_s, 30.0);
  EXPECT_EQ(p.options->max_redirects, 10);
  EXPECT_TRUE(p.options->inputs.empty());
}

TEST(CliTest, WorkersInEverySpellingPeopleUse) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"-w", "3"},
                                                                {"-w3"},
                                                                {"--workers", "3"},
                                                                {"--workers=3"},
                                                                {"-workers=3"},
                                                                {"-workers", "3"}}) {
    ParsedCommandLine p = Parse(args);
    ASSERT_TRUE(p.options) << args[0];
    EXPECT_EQ(p.options->workers, 3) << args[0];
  }
}

TEST(CliTest, FilesAndDashAreInputsInOrder) {
  ParsedCommandLine p = Parse({"a.txt", "-", "b.txt"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->inputs, (std::vector<std::string>{"a.txt", "-", "b.txt"}));
}

TEST(CliTest, TimeoutsTakeFractionalSeconds) {
  ParsedCommandLine p = Parse({"--timeout", "2.5", "--connect-timeout=0.5"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->timeout_s, 2.5);
  EXPECT_EQ(p.options->connect_timeout_s, 0.5);
}

TEST(CliTest, BadValuesAreUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"-w", "0"},
                                                                {"-w", "1025"},
                                                                {"-w", "many"},
                                                                {"--timeout", "-1"},
                                                                {"--timeout", "nan"},
                                                                {"--timeout", "inf"},
                                                                {"--connect-timeout", "0"},
                                                                {"--color", "blue"},
                                                                {"--no-such-flag"},
                                                                {"-workers"}}) {
    ParsedCommandLine p = Parse(args);
    EXPECT_FALSE(p.options) << args[0];
    EXPECT_EQ(p.exit_code, 2) << args[0];
  }
}

TEST(CliTest, HelpAndVersionExitZero) {
  for (const char* flag : {"--help", "-h", "--version", "-V"}) {
    testing::internal::CaptureStdout();
    ParsedCommandLine p = Parse({flag});
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_FALSE(p.options);
    EXPECT_EQ(p.exit_code, 0);
    EXPECT_FALSE(out.empty());
  }
}

TEST(CliTest, VersionNamesLibcurl) {
  testing::internal::CaptureStdout();
  Parse({"--version"});
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("fetchpool "), std::string::npos);
  EXPECT_NE(out.find("libcurl "), std::string::npos);
}

TEST(CliTest, SavingIsOffUnlessAsked) {
  ParsedCommandLine p = Parse({});
  ASSERT_TRUE(p.options);
  EXPECT_TRUE(p.options->save.dir.empty());
  EXPECT_EQ(p.options->save.on_exists, OnExists::kRename);
}

TEST(CliTest, SaveFlags) {
  ParsedCommandLine p = Parse({"-o", "out", "--on-exists", "skip", "--mirror-paths", "-c"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->save.dir, "out");
  EXPECT_EQ(p.options->save.on_exists, OnExists::kSkip);
  EXPECT_TRUE(p.options->save.mirror_paths);
  EXPECT_TRUE(p.options->save.resume);
  EXPECT_FALSE(p.options->save.content_disposition);

  ParsedCommandLine q = Parse({"--output-dir=d", "--on-exists=overwrite", "--content-disposition"});
  ASSERT_TRUE(q.options);
  EXPECT_EQ(q.options->save.on_exists, OnExists::kOverwrite);
  EXPECT_TRUE(q.options->save.content_disposition);
  EXPECT_EQ(Parse({"-o", "d", "--on-exists", "fail"}).options->save.on_exists, OnExists::kFail);
}

TEST(CliTest, SaveFlagsWithoutADirOrInConflictAreUsageErrors) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--on-exists", "skip"},
                                             {"--mirror-paths"},
                                             {"-c"},
                                             {"--content-disposition"},
                                             {"-o", "d", "--on-exists", "clobber"},
                                             {"-o", "d", "-c", "--content-disposition"},
                                             {"-o", ""},
                                             {"-o"}}) {
    ParsedCommandLine p = Parse(args);
    EXPECT_FALSE(p.options) << args[0];
    EXPECT_EQ(p.exit_code, 2) << args[0];
  }
}

}  // namespace
}  // namespace fetchpool
