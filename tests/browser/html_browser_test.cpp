// The HTML report in a real browser (issue 14): headless Chromium, driven over the DevTools
// protocol by tests/scripts/html_report_check.py, opens a report the real binary wrote against
// the loopback server, uses the search box and filters, and reports row counts, console errors,
// network requests and how hostile URLs came out. Skipped only when chromium (or Debian's
// python3-websocket) is not installed; scripts/install-deps.sh installs both.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace fetchpool::testing {
namespace {

const char* const kChecker = FETCHPOOL_SOURCE_DIR "/tests/scripts/html_report_check.py";

bool HaveBrowser() {
  if (!std::filesystem::exists("/usr/bin/chromium")) return false;
  return RunCli("/usr/bin/python3", {"-c", "import websocket"}).exit_code == 0;
}

TEST(HtmlBrowserTest, RendersFiltersAndKeepsHostileUrlsAsText) {
  if (!HaveBrowser()) GTEST_SKIP() << "chromium or python3-websocket is not installed";
  TestServer server;
  TempDir dir;
  const std::string script_url = server.url("/x/</script><script>document.title='pwned'</script>");
  const std::string img_url = server.url("/\"><img/src=x/onerror=document.title='pwned'>");
  const std::string js_url = "javascript:document.title='pwned'";
  std::string list;
  for (int i = 0; i < 20; ++i) list += server.url("/size/" + std::to_string(100 + i)) + "\n";
  list += server.url("/status/404") + "\n" + server.url("/status/503") + "\n";
  list += script_url + "\n" + img_url + "\n" + js_url + "\n";
  const std::string report = dir / "report.html";
  const ProcessResult run =
      RunFetchpool({"-q", "-w", "4", "--html", report, dir.Write("urls.txt", list)});
  ASSERT_FALSE(run.timed_out);
  ASSERT_TRUE(std::filesystem::exists(report)) << run.err;

  const std::string shot = dir / "report.png";
  const ProcessResult check = RunCli(
      "/usr/bin/python3",
      {kChecker, report, shot, "--hostile", script_url, "--hostile", img_url, "--hostile", js_url});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  const nlohmann::json r = nlohmann::json::parse(check.out);
  SCOPED_TRACE(r.dump(2));
  EXPECT_TRUE(r["ready"].get<bool>()) << "the page's script ran to the end";
  EXPECT_EQ(r["console_errors"].size(), 0u);
  EXPECT_EQ(r["requests"].size(), 0u) << "the report fetches nothing";
  EXPECT_EQ(r["title"].get<std::string>().find("pwned"), std::string::npos);
  EXPECT_EQ(r["data_rows"], 25);
  EXPECT_EQ(r["all_rows"], 25);
  EXPECT_EQ(r["failure_rows"], 5) << "404, 503, the two hostile paths (404) and javascript:";
  EXPECT_EQ(r["search_rows"], 1);
  EXPECT_EQ(r["ok_filter_rows"], 20);
  EXPECT_EQ(r["problem_filter_rows"], 5);
  EXPECT_EQ(r["status_5xx_rows"], 1);
  EXPECT_TRUE(r["sorted_desc"].get<bool>());
  EXPECT_EQ(r["imgs"], 0) << "no markup from a URL became an element";
  EXPECT_EQ(r["scripts"], 2);
  EXPECT_EQ(r["js_links"], 0) << "no javascript: link";
  EXPECT_EQ(r["links"], 24) << "every http URL is a link, the javascript: one is not";
  EXPECT_EQ(r["hostile_as_text"], nlohmann::json::array({true, true, true}));
  EXPECT_EQ(r["svgs"], nlohmann::json::array({true, true}));
  EXPECT_GT(std::filesystem::file_size(shot), 10'000u) << "a real screenshot";
}

}  // namespace
}  // namespace fetchpool::testing
