// --dedup and --baseline end to end, against the loopback server: what is fetched (the server's
// own request log), what every line reports, the exit status, --max-failures, --ordered and the
// state's records.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;

class DedupBaselineTest : public ::testing::Test {
 protected:
  std::string U(std::string_view path) const { return server_.url(path); }
  std::size_t Requests(const std::string& path) const {
    const std::vector<std::string> paths = server_.request_paths();
    return static_cast<std::size_t>(std::count(paths.begin(), paths.end(), path));
  }

  TestServer server_;
  TempDir dir_;
};

TEST_F(DedupBaselineTest, DedupFetchesEachUrlOnceAndReportsEveryPlace) {
  const std::string doc = dir_.Write(
      "doc.md", "[a](" + U("/status/404") + ") " + U("/size/5") + "\n" + U("/status/404") + "\n<" +
                    U("/size/5#part") + ">\n" + U("/status/404") + "\n");
  const ProcessResult r = RunFetchpool({"--extract", doc, "--dedup", "--max-failures", "2",
                                        "--ordered", "--no-progress", "--state", dir_ / "s.db"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_FALSE(Has(r.err, "stopped early")) << "one distinct failure is not two: " << r.err;
  EXPECT_EQ(Requests("/status/404"), 1u);
  EXPECT_EQ(Requests("/size/5"), 1u);
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("[FAIL] " + U("/status/404") + " (HTTP 404, ")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("[OK]   " + U("/size/5") + " (")) << lines[1];
  EXPECT_EQ(lines[2], "[FAIL] " + U("/status/404") + " (HTTP 404, duplicate of " + doc + ":1:5)");
  EXPECT_EQ(lines[3], "[OK]   " + U("/size/5#part") + " (0.0KB, duplicate of " + doc +
                          ":1:" + std::to_string(5 + U("/status/404").size() + 2) + ")");
  EXPECT_EQ(lines[4], "[FAIL] " + U("/status/404") + " (HTTP 404, duplicate of " + doc + ":1:5)");
  EXPECT_TRUE(lines[5].starts_with("Summary: 5 total, 2 ok, 3 failed, 3 duplicates, ")) << lines[5];

  const ProcessResult db =
      RunCli("sqlite3", {dir_ / "s.db",
                         "SELECT line || ':' || col || ' ' || ifnull(duplicate_of, '-') "
                         "FROM results ORDER BY seq"});
  ASSERT_EQ(db.exit_code, 0) << db.err;
  EXPECT_EQ(SplitLines(db.out),
            (std::vector<std::string>{"1:5 -",
                                      "1:" + std::to_string(5 + U("/status/404").size() + 2) + " -",
                                      "2:1 0", "3:2 1", "4:1 0"}));
  const ProcessResult history =
      RunCli("sqlite3", {dir_ / "s.db", "SELECT fail_streak FROM urls WHERE url = CAST('" +
                                            U("/status/404") + "' AS BLOB)"});
  EXPECT_EQ(history.out, "1\n") << "a duplicate does not move the URL's history";
}

TEST_F(DedupBaselineTest, WithoutDedupEveryPlaceIsFetched) {
  const std::string doc = dir_.Write("doc.md", U("/size/5") + "\n" + U("/size/5") + "\n");
  const ProcessResult r = RunFetchpool({"--extract", doc, "--no-progress", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Requests("/size/5"), 2u);
}

// The PR check: the base branch's links were already broken, only a new broken link fails.
TEST_F(DedupBaselineTest, BaselineFailuresAreWarningsAndOnlyNewOnesFail) {
  const std::string base = dir_.Write("base.md", "old [x](" + U("/status/404") + ")\n");
  const std::string old_only = dir_.Write("a.md", "still " + U("/status/404") + ".\n");
  ProcessResult r = RunFetchpool(
      {"--extract", old_only, "--baseline", base, "--no-progress", "--annotate", "github"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "[WARN] " + U("/status/404") + " (HTTP 404, ")) << r.out;
  EXPECT_TRUE(Has(r.out, ", already in the baseline)\n")) << r.out;
  EXPECT_TRUE(Has(r.out, "::warning file=" + old_only + ",line=1,col=7,")) << r.out;
  EXPECT_TRUE(Has(r.out, "HTTP 404 (already in the baseline)\n")) << r.out;

  const std::string both = dir_.Write("b.md", U("/status/404") + "\n" + U("/status/500") + "\n");
  r = RunFetchpool({"--extract", both, "--baseline", base, "--no-progress", "--format", "jsonl",
                    "--max-failures", "1", "--ordered"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::vector<std::string> verdicts;
  for (const std::string& line : SplitLines(r.out)) {
    const Json j = Json::parse(line);
    if (j["type"] != "result") continue;
    verdicts.push_back(std::string(j["warning"].get<bool>() ? "warning" : "failed") +
                       (j["baseline"].get<bool>() ? " baseline" : ""));
  }
  EXPECT_EQ(verdicts, (std::vector<std::string>{"warning baseline", "failed"}))
      << "--max-failures 1 did not stop at the baseline's failure";
}

TEST_F(DedupBaselineTest, BaselineSkipDoesNotFetchThem) {
  const std::string base = dir_.Write("base.txt", U("/size/1") + "\n" + U("/size/2") + "\n");
  const std::string list =
      dir_.Write("list.txt", U("/size/1") + "\n" + U("/size/3") + "\n" + U("/size/2") + "\n");
  const ProcessResult r =
      RunFetchpool({list, "--baseline", base, "--baseline-skip", "--no-progress"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.request_paths(), std::vector<std::string>{"/size/3"});
  EXPECT_TRUE(r.out.starts_with("[OK]   " + U("/size/3") + " (0.0KB, ")) << r.out;
  EXPECT_TRUE(Has(r.out, "Summary: 1 total, 1 ok, 0 failed")) << r.out;
}

TEST_F(DedupBaselineTest, BadInputOptionsAreSetupErrors) {
  ProcessResult r = RunFetchpool({"--baseline", dir_ / "missing.txt"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "--baseline: cannot open")) << r.err;
  r = RunFetchpool({"--extract", "--input", "grep"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "--extract conflicts with --input grep")) << r.err;
  r = RunFetchpool({"--baseline-skip"}, "");
  EXPECT_EQ(r.exit_code, 2);
  r = RunFetchpool({"--sitemap", dir_ / "nope.xml"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "nope.xml")) << r.err;
  r = RunFetchpool({"--sitemap", "ftp://127.0.0.1/sitemap.xml"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err,
                  "--sitemap: 'ftp://127.0.0.1/sitemap.xml' is neither a file nor an "
                  "http(s) URL"))
      << r.err;
  EXPECT_EQ(server_.request_count(), 0u);
}

}  // namespace
}  // namespace fetchpool::testing
