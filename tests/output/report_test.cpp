#include "fetchpool/output/report.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

TEST(FormatSizeTest, UsesOneDecimalKilobytesBelowOneMebibyte) {
  EXPECT_EQ(FormatSize(0), "0.0KB");
  EXPECT_EQ(FormatSize(922), "0.9KB");
  EXPECT_EQ(FormatSize(1229), "1.2KB");
  EXPECT_EQ(FormatSize(1024), "1.0KB");
  EXPECT_EQ(FormatSize(1000 * 1024), "1000.0KB");
}

TEST(FormatSizeTest, MovesToMegabytesAndGigabytes) {
  EXPECT_EQ(FormatSize(1024 * 1024), "1.0MB");
  EXPECT_EQ(FormatSize(1024 * 1024 - 1), "1.0MB") << "never prints 1024.0KB";
  EXPECT_EQ(FormatSize(5 * 1024 * 1024 + 512 * 1024), "5.5MB");
  EXPECT_EQ(FormatSize(3ull * 1024 * 1024 * 1024), "3.0GB");
  EXPECT_EQ(FormatSize(5000ull * 1024 * 1024 * 1024), "5000.0GB");
}

Result Ok(std::string url, std::uint64_t bytes, std::chrono::microseconds elapsed) {
  Result r;
  r.origin.url = std::move(url);
  r.verdict.ok = true;
  r.transfer.http_status = 200;
  r.transfer.bytes = bytes;
  r.transfer.elapsed = elapsed;
  return r;
}

TEST(TextLineTest, OkLineMatchesTheContract) {
  std::string out;
  AppendTextLine(out, Ok("https://example.com", 1229, 201'900us), {});
  EXPECT_EQ(out, "[OK]   https://example.com (1.2KB, 201ms)\n");
}

TEST(TextLineTest, FailLineGivesTheReasonInsteadOfTheSize) {
  Result r;
  r.origin.url = "http://h/x";
  r.verdict.error = "HTTP 404";
  r.verdict.error_kind = ErrorKind::kHttpStatus;
  r.transfer.elapsed = 12'000us;
  std::string out;
  AppendTextLine(out, r, {});
  EXPECT_EQ(out, "[FAIL] http://h/x (HTTP 404, 12ms)\n");
}

TEST(TextLineTest, SaysHowManyAttemptsWhenMoreThanOne) {
  Result ok = Ok("http://h/", 1229, 201'000us);
  ok.transfer.attempts = 3;
  std::string out;
  AppendTextLine(out, ok, {});
  EXPECT_EQ(out, "[OK]   http://h/ (1.2KB, 201ms, 3 attempts)\n");
  Result fail;
  fail.origin.url = "http://h/";
  fail.verdict.error = "HTTP 503";
  fail.transfer.elapsed = 12'000us;
  fail.transfer.attempts = 2;
  out.clear();
  AppendTextLine(out, fail, {});
  EXPECT_EQ(out, "[FAIL] http://h/ (HTTP 503, 12ms, 2 attempts)\n");
  fail.transfer.attempts = 1;
  out.clear();
  AppendTextLine(out, fail, {});
  EXPECT_EQ(out, "[FAIL] http://h/ (HTTP 503, 12ms)\n") << "one attempt goes unsaid";
}

TEST(TextLineTest, ColourWrapsOnlyTheTagAndKeepsTheColumns) {
  std::string ok;
  AppendTextLine(ok, Ok("u", 1, 0us), {.color = true});
  EXPECT_EQ(ok, "\x1b[32m[OK]\x1b[0m   u (0.0KB, 0ms)\n");
  Result fail;
  fail.origin.url = "u";
  fail.verdict.error = "x";
  std::string out;
  AppendTextLine(out, fail, {.color = true});
  EXPECT_EQ(out, "\x1b[31m[FAIL]\x1b[0m u (x, 0ms)\n");
}

TEST(TextLineTest, ControlBytesInUrlsCannotReachTheTerminal) {
  Result r;
  r.origin.url = std::string("http://a/\x1b[2J\0z", 15);
  r.verdict.error = "invalid URL: control character in URL";
  std::string out;
  AppendTextLine(out, r, {});
  EXPECT_EQ(out, "[FAIL] http://a/\\x1b[2J\\x00z (invalid URL: control character in URL, 0ms)\n");
}

TEST(TextLineTest, C1ControlsAreShownAsBytes) {
  // U+009B is CSI to terminals that read 8-bit controls; found by tests/fuzz/text_line_fuzzer.
  std::string out;
  AppendEscaped(out,
                "a\xc2\x9b"
                "2Jb\xc2\x85\xc2\xa0");
  EXPECT_EQ(out, "a\\xc2\\x9b2Jb\\xc2\\x85\xc2\xa0") << "U+00A0 is text";
}

TEST(TextLineTest, MalformedUtf8IsShownAsBytesButValidUtf8Passes) {
  Result r;
  r.origin.url = "http://a/caf\xc3\xa9/\xff\xfe";
  r.verdict.error = "x";
  std::string out;
  AppendTextLine(out, r, {});
  EXPECT_EQ(out, "[FAIL] http://a/caf\xc3\xa9/\\xff\\xfe (x, 0ms)\n");
}

TEST(SummaryTest, MatchesTheContract) {
  Summary s;
  s.total = 2;
  s.ok = 2;
  s.elapsed_s = 0.414;
  EXPECT_EQ(FormatSummary(s), "Summary: 2 total, 2 ok, 0 failed, 0.41s elapsed\n");
  s.total = 10;
  s.ok = 7;
  s.failed = 3;
  s.elapsed_s = 12.0;
  EXPECT_EQ(FormatSummary(s), "Summary: 10 total, 7 ok, 3 failed, 12.00s elapsed\n");
  s.warned = 1;
  s.retries = 4;
  EXPECT_EQ(FormatSummary(s),
            "Summary: 10 total, 7 ok, 3 failed, 1 warned, 12.00s elapsed, 4 retries\n");
}

TEST(TextLineTest, AWarningIsTaggedAsOne) {
  Result r;
  r.origin.url = "http://a/";
  r.verdict.warning = true;
  r.verdict.error = "HTTP 429";
  std::string out;
  AppendTextLine(out, r, {});
  EXPECT_EQ(out, "[WARN] http://a/ (HTTP 429, 0ms)\n");
  out.clear();
  AppendTextLine(out, r, {.color = true});
  EXPECT_TRUE(out.starts_with("\x1b[33m[WARN]\x1b[0m ")) << out;
}

TEST(TextLineTest, AMovedOrUpgradedLinkSaysWhereTo) {
  Result r = Ok("http://h/old", 1229, 80'000us);
  r.verdict.relocation = Relocation::kMoved;
  r.verdict.moved_to = "https://h/new";
  std::string out;
  AppendTextLine(out, r, {});
  EXPECT_EQ(out, "[OK]   http://h/old (1.2KB, 80ms, moved \u2192 https://h/new)\n");
  r.verdict.relocation = Relocation::kUpgraded;
  r.verdict.moved_to = "https://h/old\x1b";
  out.clear();
  AppendTextLine(out, r, {});
  EXPECT_EQ(out, "[OK]   http://h/old (1.2KB, 80ms, upgraded \u2192 https://h/old\\x1b)\n");
  r.verdict.ok = false;  // --warn moved: the reason says it
  r.verdict.warning = true;
  r.verdict.relocation = Relocation::kMoved;
  r.verdict.error = "moved \u2192 https://h/new";
  out.clear();
  AppendTextLine(out, r, {});
  EXPECT_EQ(out, "[WARN] http://h/old (moved \u2192 https://h/new, 80ms)\n");
}

TEST(SummaryTest, CountsWallsAndMovesWhenThereAreAny) {
  Summary s;
  s.total = 5;
  s.ok = 2;
  s.failed = 1;
  s.warned = 2;
  s.blocked = 2;
  s.moved = 1;
  s.elapsed_s = 1;
  EXPECT_EQ(FormatSummary(s),
            "Summary: 5 total, 2 ok, 1 failed, 2 warned, 2 blocked, 1 moved, 1.00s elapsed\n");
}

TEST(RedirectChainTextTest, EachHopsStatusAndWhereItLed) {
  EXPECT_EQ(RedirectChainText({}), "");
  EXPECT_EQ(RedirectChainText({{301, "https://a/"}, {302, "https://b/"}}),
            "301 \u2192 https://a/, 302 \u2192 https://b/");
}

}  // namespace
}  // namespace fetchpool
