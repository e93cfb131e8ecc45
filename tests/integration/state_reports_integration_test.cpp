// The reports' --state and --host-stats sections with the real binary, a real SQLite file and
// the loopback server: the Markdown report read by two renderers, the HTML report by html.parser.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ci_report_checks.hpp"
#include "state_test_util.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

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

// The SARIF result and the Code Quality issue for `url`'s failure, as one JSON object to compare.
Json FindingFor(const std::string& sarif_path, const std::string& codequality_path,
                const std::string& url) {
  Json finding;
  const Json sarif = Json::parse(testing::ReadFile(sarif_path));
  for (const Json& r : sarif["runs"][0]["results"]) {
    if (r.value("properties", Json::object()).value("url", "") != url) continue;
    finding["sarif_location"] = r["locations"];
    finding["sarif_fingerprints"] = r["partialFingerprints"];
    finding["sarif_file"] = r["properties"]["file"];
  }
  const Json issues = Json::parse(testing::ReadFile(codequality_path));
  for (const Json& issue : issues) {
    if (issue.value("description", "").find(url) == std::string::npos) continue;
    finding["codequality_location"] = issue["location"];
    finding["codequality_fingerprint"] = issue["fingerprint"];
  }
  return finding;
}

// A result answered from the state (resumed or cached) names the file and line its URL came
// from, as the same result fetched does: same JSON "file", same report locations and
// fingerprints, so a CI tool sees one finding, not a new one.
TEST(StateReportsTest, ResultsAnsweredFromTheStateKeepTheirFileAndLine) {
  TestServer server;
  TempDir dir;
  const std::string state = dir / "state.db", list = dir / "urls.txt";
  const std::string gone = server.url("/status/404"), fine = server.url("/size/10");
  std::string input = "# checked daily\n" + gone + "\n" + fine + "\n";
  for (int i = 0; i < 20; ++i) input += server.url("/delay/20?n=" + std::to_string(i)) + "\n";
  testing::WriteFile(list, input);
  auto reports = [&](const std::string& tag) {
    return std::vector<std::string>{"--sarif", dir / (tag + ".sarif"), "--codequality",
                                    dir / (tag + ".cq.json"), "--json"};
  };
  // --max-failures 1 stops the first run at the 404, unfinished, so --resume answers it.
  std::vector<std::string> args{"--state", state, "-w", "1", "--max-failures", "1", list};
  for (const std::string& a : reports("fetched")) args.push_back(a);
  const ProcessResult fetched = RunWithState(args, "");
  ASSERT_EQ(fetched.exit_code, 1) << fetched.out << fetched.err;
  args = {"--state", state, "--resume", list};
  for (const std::string& a : reports("resumed")) args.push_back(a);
  const ProcessResult resumed = RunWithState(args, "");
  ASSERT_EQ(resumed.exit_code, 1) << resumed.out << resumed.err;

  auto record = [](const std::string& out, const std::string& url) {
    for (const std::string& line : testing::SplitLines(out)) {
      const Json j = Json::parse(line);
      if (j.value("url", "") == url) return j;
    }
    return Json();
  };
  const Json first = record(fetched.out, gone), again = record(resumed.out, gone);
  ASSERT_TRUE(again.value("cached", false)) << resumed.out;
  EXPECT_EQ(again["file"], list);
  EXPECT_EQ(again["index"], 2) << "its line in the list";
  for (const char* key : {"file", "index", "ok", "status", "error", "error_kind"}) {
    EXPECT_EQ(again[key], first[key]) << key;
  }
  const Json finding = FindingFor(dir / "fetched.sarif", dir / "fetched.cq.json", gone);
  ASSERT_TRUE(finding.contains("sarif_location") && finding.contains("codequality_location"))
      << finding;
  EXPECT_EQ(FindingFor(dir / "resumed.sarif", dir / "resumed.cq.json", gone), finding);

  // Cached by --max-cache-age: the ok URL keeps its file and line too.
  const ProcessResult cached =
      RunWithState({"--state", state, "--max-cache-age", "1h", "--json", list}, "");
  const Json ok = record(cached.out, fine);
  ASSERT_TRUE(ok.value("cached", false)) << cached.out;
  EXPECT_EQ(ok["file"], list);
  EXPECT_EQ(ok["index"], 3);
}

}  // namespace
}  // namespace fetchpool
