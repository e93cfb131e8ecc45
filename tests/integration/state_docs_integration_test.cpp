// docs/state.md's sqlite3 commands for a state file, run as a user runs them (sh and the sqlite3
// CLI, in the directory holding links.db) on the state of four real runs: each answers what its
// comment says, and the one that promises an index lookup gets one.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "state_test_util.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace fetchpool {
namespace {

using testing::Has;
using testing::ProcessResult;
using testing::RunProcess;
using testing::RunWithState;

struct Example {
  std::string comment;  // its "# ..." lines, joined
  std::string command;  // the shell command under them
};

// The examples in the ```sh block under docs/state.md's "## Queries".
std::vector<Example> DocumentedExamples() {
  std::ifstream in(FETCHPOOL_SOURCE_DIR "/docs/state.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::size_t queries = doc.find("\n## Queries\n");
  const std::size_t open = doc.find("```sh\n", queries);
  const std::size_t close = doc.find("\n```", open + 6);
  std::vector<Example> out;
  if (queries == std::string::npos || open == std::string::npos || close == std::string::npos) {
    ADD_FAILURE() << "docs/state.md has no sqlite3 examples under \"## Queries\"";
    return out;
  }
  std::istringstream block(doc.substr(open + 6, close - open - 6));
  for (std::string line; std::getline(block, line);) {
    if (line.starts_with("# ")) {
      if (out.empty() || !out.back().command.empty()) out.emplace_back();
      out.back().comment += line.substr(2) + " ";
    } else if (!line.empty() && !out.empty()) {
      out.back().command += line + "\n";
    }
  }
  return out;
}

// The SQL a `sqlite3 [-box] links.db "..."` command runs.
std::string SqlOf(const std::string& command) {
  const std::size_t open = command.find('"');
  const std::size_t close = command.rfind('"');
  return open < close ? command.substr(open + 1, close - open - 1) : "";
}

class StateDocsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int run = 0; run < 4; ++run) {
      const ProcessResult r =
          RunWithState({"--state", dir_ / "links.db"}, ok_ + "\n" + missing_ + "\n");
      ASSERT_EQ(r.exit_code, 1) << r.err;
    }
  }

  std::string Run(const std::string& command) {
    const ProcessResult r = RunProcess({"/bin/sh", "-c", "cd '" + dir_.path() + "' && " + command},
                                       "", std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 0) << command << r.err;
    EXPECT_EQ(r.err, "") << command;
    return r.out;
  }

  testing::TestServer server_;
  testing::TempDir dir_;
  const std::string ok_ = server_.url("/size/10");
  const std::string missing_ = server_.url("/status/404");
};

TEST_F(StateDocsTest, EachQueryAnswersWhatItsCommentSays) {
  const std::vector<Example> examples = DocumentedExamples();
  ASSERT_GE(examples.size(), 5u);
  for (const Example& e : examples) {
    SCOPED_TRACE(e.comment);
    if (e.comment.starts_with("URLs that failed in each of the last 3 runs")) {
      EXPECT_EQ(Run(e.command), missing_ + "\n");
    } else if (e.comment.starts_with("this week's 10 slowest fetches")) {
      const std::string out = Run(e.command);
      EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 8) << out;  // 2 URLs x 4 runs
      EXPECT_TRUE(Has(out, "|" + ok_ + "\n")) << out;
    } else if (e.comment.starts_with("every run, newest first")) {
      const std::string out = Run(e.command);
      EXPECT_TRUE(Has(out, "finished")) << out;
      EXPECT_LT(out.find("│ 4 "), out.find("│ 1 ")) << out;
    } else if (e.comment.starts_with("URLs failing for more than 3 runs")) {
      const std::string out = Run(e.command);  // "4|YYYY-MM-DD|URL": failing since this test
      EXPECT_TRUE(out.starts_with("4|20")) << out;
      EXPECT_TRUE(out.ends_with("|" + missing_ + "\n")) << out;
      EXPECT_EQ(out.size(), 2 + 11 + missing_.size() + 1) << out;
    } else if (e.comment.starts_with("one URL's failures across runs")) {
      std::string command = e.command;
      const std::string example_url = "https://example.com/a";
      ASSERT_NE(command.find(example_url), std::string::npos) << command;
      command.replace(command.find(example_url), example_url.size(), missing_);
      const std::string out = Run(command);
      EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4 + 4) << out;  // box: 4 lines + 4 runs
      EXPECT_TRUE(Has(out, "HTTP 404")) << out;
      const std::string plan =
          Run("sqlite3 links.db \"EXPLAIN QUERY PLAN " + SqlOf(command) + "\"");
      EXPECT_TRUE(Has(plan, "USING INDEX results_failed_by_url")) << plan;
    } else {
      ADD_FAILURE() << "a docs/state.md example this test does not check: " << e.command;
    }
  }
}

}  // namespace
}  // namespace fetchpool
