#include "fetchpool/output/result_sink.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fetchpool/output/result_columns.hpp"
#include "support/python.hpp"
#include "support/subprocess.hpp"
#include "support/text.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using testing::Has;

// Quotes, a backslash, a comma, control bytes (ESC, NUL, newline) and invalid UTF-8 (0xFF, a lone
// continuation byte): everything a hostile list can put in a line.
const std::string kHostileUrl = std::string("http://h/\"q\",\\b\x1b[31m\n\0\xff\x80z", 25);

Result Sample(bool ok) {
  Result r;
  r.origin.seq = 2;
  r.origin.line = 3;
  r.origin.url = "http://example.com/a";
  r.verdict.ok = ok;
  r.transfer.http_status = ok ? 200 : 503;
  r.transfer.bytes = 1229;
  r.transfer.elapsed = 201'500us;
  r.transfer.attempts = ok ? 1 : 3;
  if (!ok) {
    r.verdict.error = "HTTP 503";
    r.verdict.error_kind = ErrorKind::kHttpStatus;
  }
  r.transfer.effective_url = "http://example.com/b";
  r.transfer.ip = "127.0.0.1";
  r.transfer.timings = {
      .dns_ms = 1.5, .connect_ms = 2.25, .tls_ms = 0, .first_byte_ms = 10, .total_ms = 201.5};
  return r;
}

// What one stdout sink writes for `results` and the end of a run.
SinkBuffers Render(const StdoutSinkOptions& options, const std::vector<Result>& results,
                   const Summary& summary = {}, const LatencyStats& latency = {}) {
  SinkBuffers buffers;
  std::unique_ptr<ResultSink> sink = MakeStdoutSink(options, buffers);
  for (const Result& r : results) sink->Add(r);
  EXPECT_TRUE(sink->Finish({.summary = summary, .latency = latency}).ok());
  return buffers;
}

// Only the per-URL lines (no closing lines).
std::string Lines(const StdoutSinkOptions& options, const std::vector<Result>& results) {
  SinkBuffers buffers;
  std::unique_ptr<ResultSink> sink = MakeStdoutSink(options, buffers);
  for (const Result& r : results) sink->Add(r);
  return buffers.out;
}

constexpr StdoutSinkOptions kText{.format = OutputFormat::kText};
constexpr StdoutSinkOptions kVerbose{.format = OutputFormat::kText, .verbose = true};
constexpr StdoutSinkOptions kJson{.format = OutputFormat::kJsonLines};
constexpr StdoutSinkOptions kCsv{.format = OutputFormat::kCsv};

Summary SampleSummary() {
  Summary s;
  s.total = 2;
  s.ok = 1;
  s.failed = 1;
  s.retries = 2;
  s.elapsed_s = 0.5;
  return s;
}

TEST(TextSinkTest, MatchesTheContract) {
  LatencyStats latency;
  latency.Add(201'500us);
  EXPECT_EQ(Render(kText, {Sample(true)}, SampleSummary(), latency).out,
            "[OK]   http://example.com/a (1.2KB, 201ms)\n"
            "Summary: 2 total, 1 ok, 1 failed, 0.50s elapsed, 2 retries\n");
}

TEST(TextSinkTest, VerboseAddsWhereItWentAndLatency) {
  LatencyStats latency;
  latency.Add(201'500us);
  EXPECT_EQ(Render(kVerbose, {Sample(true)}, SampleSummary(), latency).out,
            "[OK]   http://example.com/a (1.2KB, 201ms) -> http://example.com/b [127.0.0.1] at "
            "(stdin):3\n"
            "Latency: p50 202ms, p90 202ms, p99 202ms, max 202ms\n"
            "Summary: 2 total, 1 ok, 1 failed, 0.50s elapsed, 2 retries\n");
}

std::vector<nlohmann::json> ParseLines(const std::string& out) {
  EXPECT_TRUE(out.empty() || out.ends_with('\n')) << "every record ends with a newline";
  std::vector<nlohmann::json> lines;
  for (const std::string& line : testing::SplitLines(out)) {
    lines.push_back(nlohmann::json::parse(line));  // throws if invalid
  }
  return lines;
}

TEST(JsonLinesSinkTest, RecordsAndSummaryCarryEveryField) {
  LatencyStats latency;
  latency.Add(100ms);
  latency.Add(300ms);
  const std::string out =
      Render(kJson, {Sample(true), Sample(false)}, SampleSummary(), latency).out;
  const std::vector<nlohmann::json> lines = ParseLines(out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(out.starts_with(R"({"type":"result","index":3,"url":"http://example.com/a",)"))
      << "keys keep the column order CSV has";
  const nlohmann::json& ok = lines[0];
  EXPECT_EQ(ok["url"], "http://example.com/a");
  EXPECT_EQ(ok["index"], 3);
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["status"], 200);
  EXPECT_EQ(ok["bytes"], 1229);
  EXPECT_EQ(ok["ms"], 201);
  EXPECT_EQ(ok["attempts"], 1);
  EXPECT_TRUE(ok["error"].is_null());
  EXPECT_EQ(ok["effective_url"], "http://example.com/b");
  EXPECT_EQ(ok["ip"], "127.0.0.1");
  EXPECT_EQ(ok["dns_ms"], 1.5);
  EXPECT_EQ(ok["connect_ms"], 2.25);
  EXPECT_EQ(ok["first_byte_ms"], 10.0);
  EXPECT_EQ(ok["total_ms"], 201.5);
  const nlohmann::json& fail = lines[1];
  EXPECT_EQ(fail["ok"], false);
  EXPECT_EQ(fail["error"], "HTTP 503");
  EXPECT_EQ(fail["error_kind"], "http_status");
  EXPECT_EQ(fail["attempts"], 3);
  const nlohmann::json& summary = lines[2];
  EXPECT_EQ(summary["type"], "summary");
  EXPECT_EQ(summary["total"], 2);
  EXPECT_EQ(summary["ok"], 1);
  EXPECT_EQ(summary["failed"], 1);
  EXPECT_EQ(summary["elapsed_s"], 0.5);
  EXPECT_EQ(summary["max_ms"], 300.0);
  EXPECT_NEAR(summary["p50_ms"].get<double>(), 100.0, 2.0);
  EXPECT_NEAR(summary["p99_ms"].get<double>(), 300.0, 5.0);
}

TEST(JsonLinesSinkTest, HostileUrlStillParsesAsOneLine) {
  Result r = Sample(false);
  r.origin.url = kHostileUrl;
  r.verdict.error = "invalid URL: control character in URL";
  const std::string out = Lines(kJson, {r});
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  const std::vector<nlohmann::json> lines = ParseLines(out);
  ASSERT_EQ(lines.size(), 1u);
  const std::string url = lines[0]["url"];
  EXPECT_EQ(url.substr(0, 16), "http://h/\"q\",\\b\x1b");
  EXPECT_NE(url.find(std::string("\n\0", 2)), std::string::npos) << "escaped, not dropped";
  EXPECT_NE(url.find("\xEF\xBF\xBD"), std::string::npos) << "invalid UTF-8 becomes U+FFFD";
}

TEST(CsvSinkTest, HeaderRowsAndRfc4180Quoting) {
  Result hostile = Sample(false);
  hostile.origin.url = "http://h/a,\"b\"\nc";
  hostile.transfer.effective_url.clear();
  hostile.transfer.ip.clear();
  const SinkBuffers buffers = Render(kCsv, {Sample(true), hostile}, SampleSummary());
  EXPECT_EQ(buffers.out,
            "index,url,ok,status,bytes,ms,attempts,error,error_kind,effective_url,ip,dns_ms,"
            "connect_ms,tls_ms,first_byte_ms,total_ms,saved_to,skipped,warning,file,cached,change,"
            "elapsed_us,fail_runs,failing_since_ms,column,duplicate_of,baseline,blocked_by,"
            "moved_to,upgraded_to,cert_expires,cert_days_left,cert_subject,cert_issuer,"
            "cert_chain_expires,cert_chain_days_left,cert_chain_subject,cert_sha256,address_index,"
            "address_count\r\n"
            "3,http://example.com/a,true,200,1229,201,1,,,http://example.com/b,127.0.0.1,1.500,"
            "2.250,0.000,10.000,201.500,,false,false,-,false,,201500,0,,,,false,,,,,,,,,,,,,\r\n"
            "3,\"http://h/a,\"\"b\"\"\nc\",false,503,1229,201,3,HTTP 503,http_status,,,1.500,"
            "2.250,0.000,10.000,201.500,,false,false,-,false,,201500,0,,,,false,,,,,,,,,,,,,\r\n")
      << "no summary row: stdout stays pure CSV";
  EXPECT_EQ(buffers.err, "Summary: 2 total, 1 ok, 1 failed, 0.50s elapsed, 2 retries\n");
}

TEST(CsvSinkTest, PythonsCsvModuleReadsHostileRowsBack) {
  Result r = Sample(false);
  r.origin.url = kHostileUrl;
  const std::string out = Lines(kCsv, {r});
  // Parse properly: read bytes, decode losslessly, then let csv split the records.
  const testing::ProcessResult check = testing::RunPythonScript(
      "csv_url_hex.py", {std::to_string(ResultColumns().size())}, out, 10s);
  ASSERT_EQ(check.exit_code, 0) << check.err;
  std::string hex;
  for (unsigned char c : kHostileUrl) hex += fmt::format("{:02x}", c);
  EXPECT_EQ(check.out, hex) << "the URL survives the round trip byte for byte";
}

TEST(JsonLinesSinkTest, CarriesTheRedirectChainTheWallAndTheMove) {
  Result r = Sample(true);
  r.transfer.redirects = {{301, "https://example.com/b"}, {302, "https://example.com/c"}};
  r.verdict.relocation = Relocation::kMoved;
  r.verdict.moved_to = "https://example.com/b";
  Result wall = Sample(false);
  wall.verdict.error_kind = ErrorKind::kBlocked;
  wall.verdict.blocked_by = "Cloudflare";
  Summary summary = SampleSummary();
  summary.blocked = 1;
  summary.moved = 1;
  const std::vector<nlohmann::json> lines = ParseLines(Render(kJson, {r, wall}, summary).out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["redirects"],
            nlohmann::json::parse(R"([{"status":301,"url":"https://example.com/b"},)"
                                  R"({"status":302,"url":"https://example.com/c"}])"));
  EXPECT_EQ(lines[0]["moved_to"], "https://example.com/b");
  EXPECT_TRUE(lines[0]["upgraded_to"].is_null());
  EXPECT_TRUE(lines[0]["blocked_by"].is_null());
  EXPECT_EQ(lines[1]["redirects"], nlohmann::json::array());
  EXPECT_EQ(lines[1]["error_kind"], "blocked");
  EXPECT_EQ(lines[1]["blocked_by"], "Cloudflare");
  EXPECT_EQ(lines[2]["blocked"], 1);
  EXPECT_EQ(lines[2]["moved"], 1);
}

TEST(SavedPathTest, EveryFormatSaysWhereTheBodyWent) {
  Result r = Sample(true);
  r.saved.path = "out/a,b";
  const std::string csv = Lines(kCsv, {r});
  EXPECT_TRUE(
      csv.ends_with(",201.500,\"out/a,b\",false,false,-,false,,201500,0,,,,false,,,,,,,,,,,,,\r\n"))
      << csv;

  const std::vector<nlohmann::json> lines = ParseLines(Lines(kJson, {r, Sample(false)}));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["saved_to"], "out/a,b");
  EXPECT_EQ(lines[0]["skipped"], false);
  EXPECT_TRUE(lines[1]["saved_to"].is_null());

  EXPECT_EQ(Lines(kText, {r}), "[OK]   http://example.com/a (1.2KB, 201ms) -> out/a,b\n");
}

TEST(SavedPathTest, VerboseDetailsComeBeforeTheSavedFile) {
  Result r = Sample(true);
  r.saved.path = "out/a";
  EXPECT_EQ(Lines(kVerbose, {r}),
            "[OK]   http://example.com/a (1.2KB, 201ms) -> http://example.com/b [127.0.0.1] -> "
            "out/a at (stdin):3\n");
}

TEST(SavedPathTest, SkippedUrlSaysSo) {
  Result r = Sample(true);
  r.saved.skipped = true;
  r.saved.path = "out/a";
  r.transfer.elapsed = 0us;
  EXPECT_EQ(Lines(kText, {r}), "[OK]   http://example.com/a (skipped: exists, 0ms) -> out/a\n");
  EXPECT_EQ(ParseLines(Lines(kJson, {r})).at(0)["skipped"], true);
  EXPECT_TRUE(
      Lines(kCsv, {r}).ends_with(",out/a,true,false,-,false,,0,0,,,,false,,,,,,,,,,,,,\r\n"));
}

// libcurl normalises the effective URL: "http://h" comes back as "http://h/". That is no
// redirect, and -v must not print an arrow for it.
TEST(TextSinkTest, VerboseShowsNoArrowWhenOnlyNormalisationDiffers) {
  Result r = Sample(true);
  r.origin.url = "http://Example.com";
  r.transfer.effective_url = "http://example.com/";
  EXPECT_EQ(Lines(kVerbose, {r}),
            "[OK]   http://Example.com (1.2KB, 201ms) [127.0.0.1] at (stdin):3\n");
  r.transfer.effective_url = "http://example.com/elsewhere";
  EXPECT_EQ(Lines(kVerbose, {r}),
            "[OK]   http://Example.com (1.2KB, 201ms) -> http://example.com/elsewhere "
            "[127.0.0.1] at (stdin):3\n");
}

// Each stdout sink decides where --host-stats and the --stats block go: on stdout for text; for
// JSON Lines the hosts as records on stdout and the block on stderr; for CSV both on stderr.
TEST(ResultSinkTest, EachFormatPlacesHostStatsAndTheStatsBlockItself) {
  const std::vector<HostStatsRow> hosts{{.host = "a.example", .requests = 3, .ok = 2, .failed = 1}};
  RunStats stats;
  stats.Add(Sample(true));
  for (OutputFormat format : {OutputFormat::kText, OutputFormat::kJsonLines, OutputFormat::kCsv}) {
    SinkBuffers buffers;
    std::unique_ptr<ResultSink> sink =
        MakeStdoutSink({.format = format, .stats = TermStyle{}}, buffers);
    sink->Add(Sample(true));
    sink->AddHostStats(hosts);
    ASSERT_TRUE(sink->Finish({.summary = SampleSummary(), .latency = {}, .stats = stats}).ok());
    const std::string& block_side = format == OutputFormat::kText ? buffers.out : buffers.err;
    const std::string& hosts_side = format == OutputFormat::kCsv ? buffers.err : buffers.out;
    EXPECT_TRUE(Has(block_side, "Latency histogram:")) << static_cast<int>(format);
    EXPECT_TRUE(Has(hosts_side, "a.example")) << static_cast<int>(format);
    if (format != OutputFormat::kText) {
      EXPECT_FALSE(Has(buffers.out, "Latency histogram:")) << "stdout holds records only";
    }
    if (format == OutputFormat::kCsv) {
      EXPECT_FALSE(Has(buffers.out, "a.example"));
    }
  }
  SinkBuffers without;
  std::unique_ptr<ResultSink> plain = MakeStdoutSink(kText, without);
  ASSERT_TRUE(plain->Finish({.summary = SampleSummary(), .latency = {}, .stats = stats}).ok());
  EXPECT_FALSE(Has(without.out, "Latency histogram:")) << "no --stats, no block";
}

}  // namespace
}  // namespace fetchpool
