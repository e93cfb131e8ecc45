#include "fetchpool/cli/help_text.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "fetchpool/core/options.hpp"

namespace fetchpool {
namespace {

std::string RealHelp() {
  const char* argv[] = {"fetchpool", "--help"};
  testing::internal::CaptureStdout();
  const ParsedCommandLine p = ParseCommandLine(2, argv);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(p.options);
  EXPECT_EQ(p.exit_code, 0);
  return out;
}

TEST(HelpTextTest, ReadsLikeCurlAndRipgrep) {
  CLI::App app{"Does one thing.\nSecond line of the description.\n", "tool"};
  app.footer("Exit status: 0 ok.");
  std::vector<std::string> files;
  int workers = 8;
  std::vector<std::string> headers;
  bool quiet = false;
  bool silent = false;
  app.add_option("FILE", files, "Files to read")->type_name("");
  app.add_option("-w,--workers", workers, "Transfers at once")
      ->capture_default_str()
      ->type_name("N");
  auto* q = app.add_flag("-q,--quiet", quiet, "Print less");
  auto* s = app.add_flag("--silent", silent, "Print nothing");
  q->excludes(s);
  app.add_option("-H,--header", headers,
                 "An extra request header, and this description is long enough to wrap")
      ->type_name("'NAME: VALUE'")
      ->group("Request");
  EXPECT_EQ(HelpText(app, 60),
            "Does one thing.\n"
            "Second line of the description.\n"
            "\n"
            "Usage: tool [OPTIONS] [FILE...]\n"
            "\n"
            "Arguments:\n"
            "  FILE...          Files to read\n"
            "\n"
            "Options:\n"
            "  -h, --help       Print this help message and exit\n"
            "  -w, --workers N  Transfers at once [default: 8]\n"
            "  -q, --quiet      Print less\n"
            "      --silent     Print nothing\n"
            "\n"
            "Request:\n"
            "  -H, --header 'NAME: VALUE'...\n"
            "                   An extra request header, and this\n"
            "                   description is long enough to wrap\n"
            "\n"
            "Exit status: 0 ok.\n");
}

TEST(HelpTextTest, NamesNoConflictsOrRequirements) {
  const std::string help = RealHelp();
  EXPECT_EQ(help.find("Excludes"), std::string::npos) << help;
  EXPECT_EQ(help.find("Needs"), std::string::npos) << help;
  EXPECT_NE(help.find("\n  -w, --workers N "), std::string::npos) << help;
  EXPECT_NE(help.find("\n      --on-exists MODE "), std::string::npos) << help;
  EXPECT_NE(help.find("[default: rename]"), std::string::npos) << help;
}

TEST(HelpTextTest, KeepsWithinTheWidth) {
  CLI::App app{"", "tool"};
  std::string value;
  app.add_option("--value", value,
                 "Words words words words words words words words words words words words")
      ->type_name("TEXT");
  for (int width : {60, 80, 100}) {
    std::istringstream lines(HelpText(app, width));
    for (std::string line; std::getline(lines, line);) {
      EXPECT_LE(static_cast<int>(line.size()), width) << line;
    }
  }
}

TEST(HelpTextTest, TheRealHelpFitsEightyColumns) {
  // What a pipe, or a terminal of 80 columns, gets.
  const char* columns = std::getenv("COLUMNS");  // NOLINT(concurrency-mt-unsafe): one thread
  const std::string saved = columns != nullptr ? columns : "";
  ::setenv("COLUMNS", "80", 1);  // NOLINT(concurrency-mt-unsafe)
  std::istringstream lines(RealHelp());
  if (columns != nullptr) {
    ::setenv("COLUMNS", saved.c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
  } else {
    ::unsetenv("COLUMNS");  // NOLINT(concurrency-mt-unsafe)
  }
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    EXPECT_LE(line.size(), 80u) << line;
  }
  EXPECT_GT(n, 50);
}

}  // namespace
}  // namespace fetchpool
