// The reports' --state and --host-stats sections with the real binary, a real SQLite file and
// the loopback server: the Markdown report read by two renderers, the HTML report by html.parser.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ci_report_checks.hpp"
#include "state_test_util.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace fetchpool {
namespace {

using Json = nlohmann::json;
using testing::ProcessResult;
using testing::RunWithState;
using testing::TempDir;
using testing::TestServer;

TEST(StateReportsTest, MarkdownAndHtmlSayWhatChangedSinceTheLastRun) {
  TestServer server;
  TempDir dir;
  const std::string state = dir / "state.db", md = dir / "r.md", html = dir / "r.html";
  const std::string flaky = server.url("/flaky?key=reports&fails=1");
  const std::string gone = server.url("/status/404");
  const std::string fine = server.url("/size/10");
  ProcessResult first = RunWithState({"--state", state}, flaky + "\n" + fine + "\n");
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;

  ProcessResult second =
      RunWithState({"--state", state, "--markdown", md, "--html", html, "--host-stats"},
                   flaky + "\n" + fine + "\n" + gone + "\n");
  ASSERT_EQ(second.exit_code, 1) << second.out << second.err;

  const Json rendered = testing::RenderedMarkdown(md);
  ASSERT_TRUE(rendered.is_object());
  for (const char* renderer : {"python", "gfm"}) {
    SCOPED_TRACE(renderer);
    const Json& r = rendered[renderer];
    const Json& headings = r["headings"];
    const auto at = std::find(headings.begin(), headings.end(), "What changed since the last run");
    ASSERT_NE(at, headings.end()) << headings;
    EXPECT_EQ(*(at + 1), "New failures");
    EXPECT_EQ(*(at + 2), "Recovered");
    bool new_row = false, recovered_row = false;
    for (const Json& table : r["tables"]) {
      for (const Json& row : table["rows"]) {
        new_row |= row.size() == 4 && row[0] == "(stdin):3" && row[1] == gone;
        recovered_row |= row.size() == 2 && row[0] == "(stdin):1" && row[1] == flaky;
      }
    }
    EXPECT_TRUE(new_row) << r["tables"].dump();
    EXPECT_TRUE(recovered_row) << r["tables"].dump();
  }

  const ProcessResult py = testing::RunPythonScript("html_tables.py", {html});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const Json page = Json::parse(py.out);
  const Json& t = page["tables"];
  EXPECT_EQ(t["new-failures"]["rows"].size(), 1u);
  EXPECT_EQ(t["new-failures"]["rows"][0][1], gone);
  EXPECT_EQ(t["recovered"]["rows"], Json::array({{"(stdin):1", flaky}}));
  ASSERT_EQ(t["host-stats"]["rows"].size(), 1u) << "one loopback host";
  EXPECT_EQ(t["host-stats"]["rows"][0][0], "127.0.0.1");
  EXPECT_EQ(t["host-stats"]["rows"][0][1], "3") << "requests";
  EXPECT_EQ(t["host-stats"]["rows"][0][3], "1") << "failed";
}

}  // namespace
}  // namespace fetchpool
