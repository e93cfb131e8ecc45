// --markdown FILE: cell escaping, and the report rendered by python3-markdown and cmark-gfm.
#include "fetchpool/reports/markdown_sink.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "ci_report_checks.hpp"
#include "ci_report_samples.hpp"

namespace fetchpool {
namespace {

using Json = nlohmann::json;

class MarkdownSinkTest : public ReportFileTest {};

TEST(MarkdownCellTest, EscapesEverythingMarkdownCouldActOn) {
  EXPECT_EQ(MarkdownCell("a|b"), "a&#124;b");
  EXPECT_EQ(MarkdownCell("<b>&"), "&lt;b&gt;&amp;");
  EXPECT_EQ(MarkdownCell("http://www.x"), "http&#58;//&#119;ww.x");
  EXPECT_EQ(MarkdownCell(std::string("\x1b\n", 2)), "&#92;x1b&#92;x0a");
  EXPECT_EQ(MarkdownCell("plain text 123"), "plain text 123");
  EXPECT_EQ(MarkdownCell("\xc3\xa9\xc3\xa9", 3), "\xc3\xa9\u2026") << "cut on a character";
}

TEST_F(MarkdownSinkTest, MarkdownTablesParseWithBothRenderersAndCapAt1000Rows) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(MarkdownSink::Create(Path("r.md"), &sink).ok());
  Summary s;
  sink->Add(Failure(kHostileUrl, ErrorKind::kOther, "server said <b>|`x`|</b>", 1));
  for (int i = 0; i < 1004; ++i) {
    Result r = Failure("http://h/" + std::to_string(i), ErrorKind::kHttpStatus, "HTTP 404",
                       static_cast<std::uint64_t>(i + 2));
    r.transfer.attempts = 2;
    sink->Add(r);
  }
  Result warned = Failure("http://h/w", ErrorKind::kTimeout, "timed out after 1s", 9, kStdinName);
  warned.verdict.warning = true;
  warned.transfer.elapsed = 2s;
  sink->Add(warned);
  sink->Add(Ok("http://h/slow", 3s, 3000));
  s.total = 1007;
  s.failed = 1005;
  s.warned = 1;
  s.ok = 1;
  s.aborted = 1;
  LatencyStats latency;
  latency.Add(3s);
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = latency, .interrupted = true}).ok());
  sink.reset();
  EXPECT_EQ(FilesInDir(), 1u) << "no temporary file left";

  const Json rendered = testing::RenderedMarkdown(Path("r.md"));
  ASSERT_TRUE(rendered.is_object());
  for (const char* renderer : {"python", "gfm"}) {
    SCOPED_TRACE(renderer);
    const Json& r = rendered[renderer];
    // Only the markup the report itself writes: no tag, link or image from a URL or reason.
    for (const Json& tag : r["tags"]) {
      EXPECT_TRUE((std::set<std::string>{"h2", "h3", "p", "table", "thead", "tbody", "tr", "th",
                                         "td", "blockquote", "strong"}
                       .contains(tag.get<std::string>())))
          << tag;
    }
    EXPECT_EQ(r["headings"], Json({"fetchpool: 1005 failed, 1 warned, 1 ok", "Failures", "Warnings",
                                   "Latency", "Slowest URLs"}));
    const Json& tables = r["tables"];
    ASSERT_EQ(tables.size(), 5u) << r["html"].get<std::string>().substr(0, 3000);
    EXPECT_EQ(tables[0]["header"], Json({"URLs", "ok", "failed", "warned", "retries", "time"}));
    EXPECT_EQ(tables[0]["rows"][0][0], "1007");
    const Json& failures = tables[1];
    EXPECT_EQ(failures["header"], Json({"Input", "URL", "Reason", "Attempts"}));
    ASSERT_EQ(failures["rows"].size(), 1000u);
    EXPECT_EQ(failures["rows"][0],
              Json({"urls.txt:1", Visible(kHostileUrl), "server said <b>|`x`|</b>", "1"}));
    EXPECT_EQ(failures["rows"][1], Json({"urls.txt:2", "http://h/0", "HTTP 404", "2"}));
    for (const Json& row : failures["rows"]) EXPECT_EQ(row.size(), 4u);
    EXPECT_EQ(tables[2]["rows"],
              Json::array({{"(stdin):9", "http://h/w", "timed out after 1s", "1"}}));
    EXPECT_EQ(tables[3]["header"], Json({"p50", "p90", "p99", "max"}));
    EXPECT_EQ(tables[4]["rows"][0], Json({"urls.txt:3001", "http://h/slow", "3000ms", "ok"}));
    EXPECT_EQ(tables[4]["rows"][1][3], "warning: timed out after 1s");
    EXPECT_EQ(tables[4]["rows"].size(), 10u);
    bool more = false;
    bool interrupted = false;
    for (const Json& p : r["paragraphs"]) {
      const std::string text = p.get<std::string>();
      more |= text.find("and 5 more failures are not shown") != std::string::npos;
      interrupted |= text.starts_with("Interrupted:") &&
                     text.find("1 transfer in progress was aborted") != std::string::npos;
    }
    EXPECT_TRUE(more) << r["paragraphs"].dump();
    EXPECT_TRUE(interrupted) << r["paragraphs"].dump();
  }
}

TEST_F(MarkdownSinkTest, MarkdownWithoutFailuresSaysSo) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(MarkdownSink::Create(Path("r.md"), &sink).ok());
  sink->Add(Ok("http://h/", 1ms));
  Summary s;
  s.total = s.ok = 1;
  LatencyStats latency;
  latency.Add(1ms);
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = latency}).ok());
  const std::string text = ReadFile(Path("r.md"));
  EXPECT_NE(text.find("### Failures\n\nNo failures.\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("Warnings"), std::string::npos);
  EXPECT_EQ(text.find("Interrupted"), std::string::npos);
}

TEST_F(MarkdownSinkTest, WithStateListsNewFailuresThenRecoveredUrls) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(MarkdownSink::Create(Path("r.md"), &sink).ok());
  Result fresh = Failure(kHostileUrl, ErrorKind::kHttpStatus, "HTTP 500 |x|", 4);
  fresh.state.change = Change::kNewFailure;
  Result still = Failure("http://h/still", ErrorKind::kTimeout, "timed out", 5);
  still.state.change = Change::kStillFailing;
  Result back = Ok("http://h/back", 1ms);
  back.state.change = Change::kRecovered;
  for (const Result& r : {fresh, still, back, Ok("http://h/same", 1ms)}) sink->Add(r);
  Summary s;
  s.total = 4;
  s.ok = 2;
  s.failed = 2;
  s.show_changes = true;
  LatencyStats latency;
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = latency}).ok());

  const Json rendered = testing::RenderedMarkdown(Path("r.md"));
  ASSERT_TRUE(rendered.is_object());
  for (const char* renderer : {"python", "gfm"}) {
    SCOPED_TRACE(renderer);
    const Json& r = rendered[renderer];
    EXPECT_EQ(r["headings"], Json({"fetchpool: 2 failed, 0 warned, 2 ok", "Failures",
                                   "What changed since the last run", "New failures", "Recovered",
                                   "Slowest URLs"}));
    const Json& tables = r["tables"];
    ASSERT_EQ(tables.size(), 5u);
    EXPECT_EQ(tables[2]["rows"],
              Json::array({{"urls.txt:4", Visible(kHostileUrl), "HTTP 500 |x|", "1"}}));
    EXPECT_EQ(tables[3]["header"], Json({"Input", "URL"}));
    EXPECT_EQ(tables[3]["rows"], Json::array({{"urls.txt:1", "http://h/back"}}));
    EXPECT_NE(r["paragraphs"].dump().find("1 new failure, 1 recovered, 1 still failing."),
              std::string::npos)
        << r["paragraphs"].dump();
  }
}

TEST_F(MarkdownSinkTest, WithStateAndNothingChangedSaysSo) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(MarkdownSink::Create(Path("r.md"), &sink).ok());
  Summary s;
  s.show_changes = true;
  LatencyStats latency;
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = latency}).ok());
  const std::string text = ReadFile(Path("r.md"));
  EXPECT_NE(text.find("### What changed since the last run\n\nNothing changed"), std::string::npos)
      << text;
}

TEST_F(MarkdownSinkTest, WithoutStateHasNoChangesSection) {
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(MarkdownSink::Create(Path("r.md"), &sink).ok());
  Summary s;
  LatencyStats latency;
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = latency}).ok());
  EXPECT_EQ(ReadFile(Path("r.md")).find("What changed"), std::string::npos);
}

}  // namespace
}  // namespace fetchpool
