// Issue 27, end to end: URLs found in a document (--extract), in real grep and ripgrep output
// (--input grep) and in a real git diff (--input diff), checked by the real binary against the
// loopback server, with every report pointing at the document's own lines and columns. Each
// report is read back by a real consumer (JSON Schema, Python's csv, xml and html parsers,
// Markdown renderers, sqlite3).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ci_report_checks.hpp"
#include "support/cli_runner.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"
#include "support/tls_servers.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// "ORIGIN URL" for each result line of a -v run ("[FAIL] URL (...) ... at ORIGIN"), sorted.
std::vector<std::string> ResultLinesOf(const std::string& out) {
  std::vector<std::string> found;
  for (const std::string& line : SplitLines(out)) {
    if (!line.starts_with("[")) continue;
    const std::size_t url = line.find_first_not_of(' ', line.find(']') + 1);
    const std::string_view rest = std::string_view(line).substr(url);
    const std::size_t at = line.rfind(" at ");
    if (at == std::string::npos) continue;
    found.push_back(line.substr(at + 4) + " " + std::string(rest.substr(0, rest.find(' '))));
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class InputsIntegrationTest : public ::testing::Test {
 protected:
  std::string U(std::string_view path) const { return server_.url(path); }

  // A shell command run inside the temporary directory, so every name is relative, as in CI.
  ProcessResult Shell(const std::string& command, std::string_view stdin_data = {}) {
    return RunCli("/bin/sh", {"-c", "cd " + Quote(dir_.path()) + " && " + command}, stdin_data);
  }
  std::string Fetchpool(const std::vector<std::string>& args) const {
    std::string command = Quote(FETCHPOOL_BINARY) + " --no-progress";
    for (const std::string& a : args) command += " " + Quote(a);
    return command;
  }

  // docs/guide.md: a failure in a Markdown link at 3:21, an ok autolink, a table cell, the
  // failure again (5:8) and an HTML attribute with an entity (6:10).
  void WriteGuide() {
    Shell("mkdir -p docs");
    dir_.Write("docs/guide.md", "# Guide\n\nSee [the gone page](" + U("/status/404") + ") or <" +
                                    U("/size/10") + ">.\n| k | " + U("/status/200") +
                                    " |\nAgain: " + U("/status/404") + ".\n<a href=\"" +
                                    U("/status/410?a=1&amp;b=2") + "\">x</a>\n");
  }

  TestServer server_;
  TempDir dir_;
};

// Where the guide's failures are: "docs/guide.md:LINE:COLUMN".
const std::vector<std::string> kGuideFailures = {"docs/guide.md:3:21", "docs/guide.md:5:8",
                                                 "docs/guide.md:6:10"};

TEST_F(InputsIntegrationTest, ExtractPutsEveryReportOnTheDocumentsLines) {
  WriteGuide();
  const ProcessResult r =
      Shell(Fetchpool({"--extract", "docs/guide.md", "--ordered", "--annotate", "github", "-v",
                       "--sarif", "out.sarif", "--codequality", "cq.json", "--junit", "junit.xml",
                       "--markdown", "summary.md", "--html", "report.html", "--state", "s.db"}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  std::vector<std::string> annotations;
  for (const std::string& line : lines) {
    if (line.starts_with("::error")) annotations.push_back(line.substr(0, line.find(",title")));
  }
  EXPECT_EQ(annotations, (std::vector<std::string>{"::error file=docs/guide.md,line=3,col=21",
                                                   "::error file=docs/guide.md,line=5,col=8",
                                                   "::error file=docs/guide.md,line=6,col=10"}))
      << r.out;
  EXPECT_TRUE(Has(r.out, U("/status/410?a=1&b=2") + " (HTTP 410, ")) << "entity decoded";
  EXPECT_TRUE(Has(r.out, " at docs/guide.md:4:7\n")) << "-v shows the origin: " << r.out;

  const Json sarif = ValidatedJson(dir_ / "out.sarif", kSarifSchema);
  ASSERT_FALSE(sarif.is_null());
  EXPECT_EQ(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
  std::vector<std::string> where;
  for (const Json& res : sarif["runs"][0]["results"]) {
    const Json& loc = res["locations"][0]["physicalLocation"];
    where.push_back(loc["artifactLocation"]["uri"].get<std::string>() + ":" +
                    std::to_string(loc["region"]["startLine"].get<int>()) + ":" +
                    std::to_string(loc["region"]["startColumn"].get<int>()));
  }
  EXPECT_EQ(where, kGuideFailures);

  const Json cq = ValidatedJson(dir_ / "cq.json", kCodeQualitySchema);
  ASSERT_FALSE(cq.is_null());
  where.clear();
  for (const Json& issue : cq) {
    const Json& begin = issue["location"]["positions"]["begin"];
    where.push_back(issue["location"]["path"].get<std::string>() + ":" +
                    std::to_string(begin["line"].get<int>()) + ":" +
                    std::to_string(begin["column"].get<int>()));
  }
  EXPECT_EQ(where, kGuideFailures);

  const ProcessResult junit = RunPythonScript("junit_summary.py", {dir_ / "junit.xml"});
  ASSERT_EQ(junit.exit_code, 0) << junit.err;
  int failed_cases = 0;
  const Json cases = Json::parse(junit.out)["cases"];
  for (const Json& c : cases) {
    EXPECT_EQ(c["file"], "docs/guide.md");
    if (c["failed"].get<bool>()) {
      ++failed_cases;
      EXPECT_TRUE(c["line"] == "3" || c["line"] == "5" || c["line"] == "6") << c.dump();
    }
  }
  EXPECT_EQ(failed_cases, 3);

  const Json md = RenderedMarkdown(dir_ / "summary.md");
  ASSERT_FALSE(md.is_null());
  where.clear();
  for (const Json& table : md["gfm"]["tables"]) {
    if (table["header"] != Json::array({"Input", "URL", "Reason", "Attempts"})) continue;
    for (const Json& row : table["rows"]) where.push_back(row[0]);
    break;  // the failures; "What changed" (--state) lists them again
  }
  EXPECT_EQ(where, kGuideFailures);

  const ProcessResult html = RunPythonScript("html_rows.py", {dir_ / "report.html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  std::vector<std::string> html_where;
  for (const Json& row : Json::parse(html.out)) html_where.push_back(row[9]);
  EXPECT_EQ(html_where.size(), 5u);
  for (const std::string& w : kGuideFailures) EXPECT_TRUE(Contains(html_where, w)) << w;

  const ProcessResult db =
      RunCli("sqlite3", {dir_ / "s.db",
                         "SELECT file || ':' || line || ':' || col FROM results WHERE NOT "
                         "ok ORDER BY line, col"});
  ASSERT_EQ(db.exit_code, 0) << db.err;
  EXPECT_EQ(SplitLines(db.out), kGuideFailures);
}

TEST_F(InputsIntegrationTest, JsonAndCsvCarryFileLineAndColumn) {
  WriteGuide();
  const ProcessResult json = Shell(Fetchpool({"--extract", "docs/guide.md", "--format", "jsonl"}));
  ASSERT_EQ(json.exit_code, 1) << json.err;
  std::vector<std::string> where;
  for (const std::string& line : SplitLines(json.out)) {
    const Json j = Json::parse(line);
    if (j["type"] != "result" || j["ok"].get<bool>()) continue;
    where.push_back(j["file"].get<std::string>() + ":" + std::to_string(j["index"].get<int>()) +
                    ":" + std::to_string(j["column"].get<int>()));
  }
  std::sort(where.begin(), where.end());
  EXPECT_EQ(where, kGuideFailures);

  const ProcessResult csv = Shell(Fetchpool({"--extract", "docs/guide.md", "--format", "csv"}));
  const ProcessResult rows = RunPythonScript("csv_fields_hex.py", {}, csv.out);
  ASSERT_EQ(rows.exit_code, 0) << rows.err;
  const Json table = Json::parse(rows.out);
  auto text = [](const Json& hex) {
    std::string out;
    const std::string h = hex.get<std::string>();
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
      out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
    }
    return out;
  };
  std::vector<std::string> header;
  for (const Json& h : table[0]) header.push_back(text(h));
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  where.clear();
  for (std::size_t i = 1; i < table.size(); ++i) {
    if (text(table[i][col("ok")]) == "true") continue;
    where.push_back(text(table[i][col("file")]) + ":" + text(table[i][col("index")]) + ":" +
                    text(table[i][col("column")]));
  }
  std::sort(where.begin(), where.end());
  EXPECT_EQ(where, kGuideFailures);
}

// grep -rn and rg --vimgrep, the real tools, piped in: the origins are the grepped files.
TEST_F(InputsIntegrationTest, GrepAndRipgrepOutputAnnotateTheGreppedFiles) {
  const std::string rg = FindProgram("rg");
  ASSERT_FALSE(rg.empty()) << "needs ripgrep (scripts/install-deps.sh installs it)";
  WriteGuide();
  dir_.Write("docs/other.txt", "plain " + U("/status/500") + " and " + U("/status/200") + "\n");
  for (const std::string& grep :
       {std::string("grep -rn http docs/ | sort"), Quote(rg) + " --vimgrep http docs/ | sort"}) {
    const ProcessResult r =
        Shell(grep + " | " + Fetchpool({"--input", "grep", "--annotate", "github", "--ordered"}));
    ASSERT_EQ(r.exit_code, 1) << grep << "\n" << r.err;
    std::vector<std::string> annotations;
    for (const std::string& line : SplitLines(r.out)) {
      if (line.starts_with("::error")) annotations.push_back(line.substr(0, line.find(",title")));
    }
    EXPECT_EQ(annotations, (std::vector<std::string>{"::error file=docs/guide.md,line=3,col=21",
                                                     "::error file=docs/guide.md,line=5,col=8",
                                                     "::error file=docs/guide.md,line=6,col=10",
                                                     "::error file=docs/other.txt,line=1,col=7"}))
        << grep << "\n"
        << r.out;
    const std::optional<SummaryLine> summary = LastSummary(r.out);
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->total, 7u) << "rg --vimgrep's repeated lines are read once";
  }
}

// A pull request's diff, made by git in a temporary repository: a rename with an edit, a deleted
// file, a binary file, a file without a final newline. Only the added lines' URLs are checked,
// at their place in the new version.
TEST_F(InputsIntegrationTest, ARealGitDiffChecksOnlyTheAddedUrls) {
  std::string moved = "# Moved\n";
  for (int i = 1; i <= 20; ++i) moved += "line " + std::to_string(i) + " stays the same\n";
  dir_.Write("keep.md", "intro\n" + U("/status/200") + "\n");
  dir_.Write("gone.md", "old " + U("/status/410") + "\n");
  dir_.Write("moved.md", moved);
  dir_.Write("tail.md", "no newline " + U("/status/200?x"));
  const std::string git = "git -c user.email=t@example.com -c user.name=t ";
  ProcessResult r = Shell("git init -q . && " + git + "add -A && " + git + "commit -qm base");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  dir_.Write("keep.md", "intro\n" + U("/status/200") + "\nnew " + U("/status/404") + "\n");
  dir_.Write("tail.md",
             "no newline " + U("/status/200?x") + "\nnow [y](" + U("/status/200?y") + ")");
  dir_.Write("logo.png", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11) + U("/status/500"));
  r = Shell("git rm -q gone.md && mkdir docs && git mv moved.md docs/moved.md && echo '" +
            std::string("link ") + U("/status/503") + "' >> docs/moved.md && git add -A && " + git +
            "commit -qm change && git diff HEAD~1 HEAD > pr.diff");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string diff = ReadFile(dir_ / "pr.diff");
  for (const char* what : {"rename from moved.md", "deleted file mode", "Binary files",
                           "\\ No newline at end of file"}) {
    EXPECT_TRUE(Has(diff, what)) << "the diff exercises " << what << ":\n" << diff;
  }
  r = Shell(Fetchpool({"--input", "diff", "--annotate", "github", "--ordered", "-v"}), diff);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ResultLinesOf(r.out),
            (std::vector<std::string>{
                "docs/moved.md:22:6 " + U("/status/503"), "keep.md:3:5 " + U("/status/404"),
                // The line that gained its final newline is new too.
                "tail.md:1:12 " + U("/status/200?x"), "tail.md:2:9 " + U("/status/200?y")}))
      << r.out;
  EXPECT_TRUE(Has(r.out, "::error file=docs/moved.md,line=22,col=6,")) << r.out;
}

}  // namespace
}  // namespace fetchpool::testing
