#include "fetchpool/reports/html_sink.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fetchpool/reports/html_timeline.hpp"
#include "support/cli_runner.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

namespace fetchpool {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::Count;
using testing::ReadFile;

constexpr const char* kHostile[] = {
    "http://h/</script><script>alert(1)</script>",
    "http://h/\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "http://h/&amp;<!--",
};

// The rows the page's script will see.
nlohmann::json Rows(const std::string& page) {
  const std::string open = R"(<script type="application/json" id="fp-rows">)";
  const auto from = page.find(open);
  EXPECT_NE(from, std::string::npos);
  const auto to = page.find("</script>", from);
  nlohmann::json rows =
      nlohmann::json::parse(page.substr(from + open.size(), to - from - open.size()));
  EXPECT_TRUE(rows.back().is_null());
  rows.erase(rows.size() - 1);
  return rows;
}

Result Make(std::uint64_t line, std::string url, milliseconds elapsed, bool ok) {
  Result r;
  r.origin.line = line;
  r.origin.url = std::move(url);
  r.verdict.ok = ok;
  r.transfer.http_status = ok ? 200 : 500;
  r.verdict.error = ok ? "" : "HTTP 500 <b>bold</b>";
  r.verdict.error_kind = ok ? ErrorKind::kNone : ErrorKind::kHttpStatus;
  r.transfer.elapsed = elapsed;
  r.span = {.start = microseconds(line * 1000),
            .took = elapsed,
            .waited = milliseconds(2),
            .worker = static_cast<int>(line % 3)};
  return r;
}

Status Finish(ResultSink& sink, std::uint64_t total) {
  Summary s;
  s.total = total;
  LatencyStats latency;
  RunStats stats;
  return sink.Finish({.summary = s, .latency = latency, .stats = stats});
}

TEST(HtmlSinkTest, HostileUrlsAndReasonsStayText) {
  testing::TempDir dir;
  const std::string path = dir / "report.html";
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(HtmlSink::Create(path, 4, &sink).ok());
  std::uint64_t line = 0;
  for (const char* url : kHostile) {
    sink->Add(Make(++line, url, milliseconds(5), true));
    sink->Add(Make(++line, url, milliseconds(7), false));
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << "the report appears only when complete";
  ASSERT_TRUE(Finish(*sink, line).ok());
  const std::string page = ReadFile(path);
  EXPECT_EQ(Count(page, "</script>"), 2u) << "only the page's own two scripts end";
  EXPECT_EQ(Count(page, "<script"), 2u);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>bold"), std::string::npos);
  EXPECT_EQ(page.find("h/&amp;<!--"), std::string::npos);
  EXPECT_EQ(page.find("href=\"javascript"), std::string::npos);
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
  const nlohmann::json rows = Rows(page);
  ASSERT_EQ(rows.size(), 8u);
  std::set<std::string> urls;
  for (const auto& row : rows) urls.insert(row[1].get<std::string>());
  for (const char* url : kHostile) EXPECT_TRUE(urls.count(url)) << url << " round-trips";
  EXPECT_EQ(rows[1][7], "HTTP 500 <b>bold</b>");
  sink.reset();
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "report.html") << "no temporary file left";
  }
}

TEST(HtmlSinkTest, AboveTenThousandUrlsKeepsProblemsAndTheThousandSlowest) {
  testing::TempDir dir;
  const std::string path = dir / "big.html";
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(HtmlSink::Create(path, 8, &sink).ok());
  const std::uint64_t n = 12'000;
  std::uint64_t failures = 0;
  for (std::uint64_t i = 1; i <= n; ++i) {
    const bool ok = i % 100 != 0;
    if (!ok) ++failures;
    sink->Add(Make(i, "http://h/" + std::to_string(i), milliseconds(i % 5000), ok));
  }
  ASSERT_TRUE(Finish(*sink, n).ok());
  const std::string page = ReadFile(path);
  const nlohmann::json rows = Rows(page);
  EXPECT_EQ(rows.size(), failures + HtmlSink::kSlowestKept);
  std::size_t ok_rows = 0;
  for (const auto& row : rows) {
    if (row[2] == 0) {
      ++ok_rows;
      EXPECT_GE(row[5].get<double>(), 3900.0) << "only the slowest ok rows are kept";
    }
  }
  EXPECT_EQ(ok_rows, HtmlSink::kSlowestKept);
  EXPECT_NE(page.find("This run had 12,000 URLs"), std::string::npos);
}

TEST(HtmlSinkTest, UpToTenThousandUrlsKeepsEveryRow) {
  testing::TempDir dir;
  const std::string path = dir / "all.html";
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(HtmlSink::Create(path, 8, &sink).ok());
  for (std::uint64_t i = 1; i <= HtmlSink::kFullTableLimit; ++i) {
    sink->Add(Make(i, "http://h/" + std::to_string(i), milliseconds(1), i % 7 != 0));
  }
  ASSERT_TRUE(Finish(*sink, HtmlSink::kFullTableLimit).ok());
  const std::string page = ReadFile(path);
  EXPECT_EQ(Rows(page).size(), HtmlSink::kFullTableLimit);
  EXPECT_EQ(page.find("This run had"), std::string::npos);
}

// The page's id'd tables and sections, read back by html.parser (tests/scripts/html_tables.py).
nlohmann::json Tables(const std::string& path) {
  const testing::ProcessResult py = testing::RunPythonScript("html_tables.py", {path});
  EXPECT_EQ(py.exit_code, 0) << py.err;
  return py.exit_code == 0 ? nlohmann::json::parse(py.out) : nlohmann::json();
}

TEST(HtmlSinkTest, WithStateAndHostStatsShowsWhatChangedAndEveryHost) {
  testing::TempDir dir;
  const std::string path = dir / "r.html";
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(HtmlSink::Create(path, 2, &sink).ok());
  Result fresh = Make(1, kHostile[1], milliseconds(3), false);
  fresh.origin.input = "urls.txt";
  fresh.state.change = Change::kNewFailure;
  Result still = Make(2, "http://h/still", milliseconds(3), false);
  still.state.change = Change::kStillFailing;
  Result back = Make(3, kHostile[0], milliseconds(3), true);
  back.state.change = Change::kRecovered;
  for (const Result& r : {fresh, still, back, Make(4, "http://h/same", milliseconds(3), true)}) {
    sink->Add(r);
  }
  Summary s;
  s.total = 4;
  s.show_changes = true;
  LatencyStats latency;
  const std::vector<HostStatsRow> hosts = {
      {.host = "bad.example\"><img src=x>", .requests = 3, .failed = 2, .http_429 = 1},
      {.host = "good.example", .requests = 5, .ok = 5, .p50_ms = 12.5, .bytes = 2048},
  };
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = latency, .hosts = &hosts}).ok());

  const nlohmann::json page = Tables(path);
  ASSERT_TRUE(page.is_object());
  EXPECT_TRUE(page["sections"].dump().find("\"changes\"") != std::string::npos);
  const nlohmann::json& t = page["tables"];
  EXPECT_EQ(t["new-failures"]["header"], nlohmann::json({"Input", "URL", "Reason", "Attempts"}));
  EXPECT_EQ(t["new-failures"]["rows"],
            nlohmann::json::array({{"urls.txt:1", kHostile[1], "HTTP 500 <b>bold</b>", "1"}}));
  EXPECT_EQ(t["recovered"]["rows"], nlohmann::json::array({{"(stdin):3", kHostile[0]}}));
  ASSERT_EQ(t["host-stats"]["rows"].size(), 2u);
  EXPECT_EQ(t["host-stats"]["rows"][0][0], hosts[0].host) << "worst first, as text";
  EXPECT_EQ(t["host-stats"]["rows"][0][4], "1");
  EXPECT_EQ(t["host-stats"]["rows"][1],
            nlohmann::json({"good.example", "5", "5", "0", "0", "0", "0.0", "12", "0.0", "2.0KB"}));
  for (const auto& tag : page["section_tags"]) {
    EXPECT_NE(tag, "img") << "a URL or host became markup";
    EXPECT_NE(tag, "script");
    EXPECT_NE(tag, "a");
  }
}

TEST(HtmlSinkTest, WithoutStateOrHostStatsHasNeitherSection) {
  testing::TempDir dir;
  const std::string path = dir / "r.html";
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(HtmlSink::Create(path, 1, &sink).ok());
  sink->Add(Make(1, "http://h/", milliseconds(1), false));
  ASSERT_TRUE(Finish(*sink, 1).ok());
  const nlohmann::json page = Tables(path);
  EXPECT_FALSE(page["tables"].contains("host-stats"));
  EXPECT_FALSE(page["tables"].contains("new-failures"));
  EXPECT_EQ(page["sections"].dump().find("changes"), std::string::npos);
}

TEST(HtmlSinkTest, UnwritablePathFailsUpFront) {
  std::unique_ptr<ResultSink> sink;
  const Status s = HtmlSink::Create("/nonexistent-dir/r.html", 1, &sink);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("HTML report"), std::string::npos) << s.message();
}

TEST(HtmlTimelineTest, BinsWidenSoMemoryStaysFixed) {
  HtmlTimeline t;
  t.Add({.start = milliseconds(0), .took = milliseconds(5), .waited = {}, .worker = 0}, false);
  EXPECT_EQ(t.bin_width(), milliseconds(10));
  t.Add({.start = std::chrono::seconds(100),
         .took = milliseconds(5),
         .waited = milliseconds(50),
         .worker = 2},
        true);
  EXPECT_GE(t.bin_width().count() * static_cast<std::int64_t>(HtmlTimeline::kBins),
            std::chrono::microseconds(std::chrono::seconds(100)).count());
  EXPECT_EQ(t.lanes(), 3u);
  const std::string svg = t.Svg();
  EXPECT_TRUE(svg.starts_with("<svg")) << svg;
  EXPECT_NE(svg.find("class=\"failed\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"wait\""), std::string::npos);
  EXPECT_NE(svg.find(">w3<"), std::string::npos);
}

TEST(HtmlRowJsonTest, CannotCloseTheScriptElement) {
  Result r;
  r.origin.url = "http://h/</script>\xff";
  const std::string row = HtmlRowJson(r);
  EXPECT_EQ(row.find('<'), std::string::npos) << row;
  EXPECT_NE(row.find("\\u003c/script\\u003e"), std::string::npos) << row;
  EXPECT_NE(row.find("\\ufffd"), std::string::npos) << row;
}

}  // namespace
}  // namespace fetchpool
