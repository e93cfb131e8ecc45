#include "fetchpool/output/json_lines_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fetchpool/output/host_stats_format.hpp"
#include "fetchpool/output/json_lines_sink.hpp"
#include "fetchpool/output/run_records.hpp"
#include "fetchpool/util/utc_time.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Type = JsonLineRecord::Type;

// A result with every column away from its default, so a column that does not come back shows.
Result Full() {
  Result r;
  r.origin.line = 17;
  r.origin.url = "http://example.com/a?q=\"x\"\\y";
  r.verdict.ok = false;
  r.verdict.warning = true;
  r.verdict.error_kind = ErrorKind::kTimeout;
  r.verdict.error = "timed out after 0.5s";
  r.transfer.http_status = 503;
  r.transfer.bytes = 123456789012ULL;
  r.transfer.elapsed = 1'234'567us;
  r.transfer.attempts = 3;
  r.saved.path = "out/a";
  r.saved.skipped = true;
  r.transfer.effective_url = "http://example.com/b";
  r.transfer.ip = "::1";
  r.transfer.timings = {.dns_ms = 1.5,
                        .connect_ms = 2.25,
                        .tls_ms = 3.125,
                        .first_byte_ms = 10.5,
                        .total_ms = 1234.567};
  r.origin.input = "urls.txt";
  r.state.cached = true;
  r.state.change = Change::kStillFailing;
  r.state.fail_runs = 4;
  r.state.failing_since_ms = 1'796'554'335'123;
  r.verdict.blocked_by = "Cloudflare";
  r.verdict.relocation = Relocation::kMoved;
  r.verdict.moved_to = "https://example.org/a";
  r.transfer.redirects = {{.http_status = 301, .location = "https://example.org/a"},
                          {.http_status = 302, .location = "http://example.com/b"}};
  auto cert = std::make_shared<CertificateFacts>();
  cert->expires = "2027-02-14T23:59:59Z";
  cert->not_after = *ParseIsoUtc(cert->expires);
  cert->subject = "CN=example.com,O=Example";
  cert->issuer = "CN=Example CA";
  cert->sha256 = std::string(64, 'c');
  cert->chain_expires = "2027-01-02T03:04:05Z";
  cert->chain_not_after = *ParseIsoUtc(cert->chain_expires);
  cert->chain_subject = "CN=Example Intermediate";
  r.transfer.certificate = std::move(cert);
  r.origin.address = "::1";  // --each-address: what `ip` says
  r.origin.address_index = 1;
  r.origin.address_count = 3;
  return r;
}

std::vector<std::string> Written(const std::vector<Result>& results) {
  SinkBuffers buffers;
  JsonLinesSink sink(buffers);
  for (const Result& r : results) sink.Add(r);
  std::vector<std::string> lines;
  for (std::size_t at = 0, nl; (nl = buffers.out.find('\n', at)) != std::string::npos;
       at = nl + 1) {
    lines.push_back(buffers.out.substr(at, nl - at));
  }
  return lines;
}

JsonLineRecord Read(std::string line) {
  JsonLineRecord record;
  const Status s = JsonLineReader().Read(line, record);
  EXPECT_TRUE(s.ok()) << s.message() << "\n" << line;
  return record;
}

Status ReadStatus(std::string line) {
  JsonLineRecord record;
  return JsonLineReader().Read(line, record);
}

TEST(JsonLineReaderTest, EveryResultColumnComesBackAsWritten) {
  const Result original = Full();
  const std::vector<std::string> lines = Written({original});
  ASSERT_EQ(lines.size(), 1u);
  const JsonLineRecord record = Read(lines[0]);
  ASSERT_EQ(record.type, Type::kResult);
  Result back = record.result.result;
  EXPECT_EQ(record.result.input, "urls.txt");
  back.origin.input = record.result.input;
  for (const ResultColumn& column : ResultColumns()) {
    EXPECT_EQ(column.value(back), column.value(original)) << column.name;
  }
  EXPECT_EQ(back.transfer.elapsed, original.transfer.elapsed) << "microseconds, not the rounded ms";
  ASSERT_EQ(back.transfer.redirects.size(), 2u) << "the redirect chain, an array, comes back too";
  EXPECT_EQ(back.transfer.redirects[1].http_status, 302);
  EXPECT_EQ(back.transfer.redirects[1].location, "http://example.com/b");
  EXPECT_EQ(Written({back}), lines) << "and written again, byte for byte";
}

TEST(JsonLineReaderTest, AnUpgradedLinkComesBackAsUpgraded) {
  Result r;
  r.origin.line = 1;
  r.origin.url = "http://h/";
  r.verdict.ok = true;
  r.verdict.relocation = Relocation::kUpgraded;
  r.verdict.moved_to = "https://h/";
  const std::vector<std::string> lines = Written({r});
  const Result back = Read(lines.at(0)).result.result;
  EXPECT_EQ(back.verdict.relocation, Relocation::kUpgraded);
  EXPECT_EQ(back.verdict.moved_to, "https://h/");
  EXPECT_TRUE(back.verdict.blocked_by.empty());
  EXPECT_EQ(Written({back}), lines);
}

TEST(JsonLineReaderTest, ARedirectHopOfTheWrongShapeSaysWhy) {
  const Status s = ReadStatus(
      R"({"type":"result","index":1,"url":"http://h/","redirects":[{"status":"301","url":"x"}]})");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("redirects"), std::string::npos) << s.message();
}

TEST(JsonLineReaderTest, DefaultsAndNullsComeBackAsDefaults) {
  Result ok;
  ok.origin.line = 1;
  ok.origin.url = "http://h/";
  ok.verdict.ok = true;
  const JsonLineRecord record = Read(Written({ok}).at(0));
  const Result& back = record.result.result;
  EXPECT_EQ(back.transfer.http_status, 0);
  EXPECT_EQ(back.verdict.error_kind, ErrorKind::kNone);
  EXPECT_EQ(back.state.change, Change::kNone);
  EXPECT_EQ(back.state.failing_since_ms, 0);
  EXPECT_TRUE(back.verdict.error.empty() && back.transfer.effective_url.empty() &&
              back.saved.path.empty());
  EXPECT_EQ(record.result.input, "-");
}

TEST(JsonLineReaderTest, HostileBytesSurviveTheRoundTripAsTheWriterReplacedThem) {
  Result r = Full();
  r.origin.url = std::string("http://h/\x01\"\\\n\t\xff\xc3", 16);
  const std::string line = Written({r}).at(0);
  const JsonLineRecord record = Read(line);
  EXPECT_EQ(record.result.result.origin.url, "http://h/\x01\"\\\n\t\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(JsonLineReaderTest, RunEndHostAndSummaryRecords) {
  const RunHeader header{.id = "0123456789abcdef",
                         .version = "9.9.9",
                         .shard = 3,
                         .shards = 4,
                         .files = {"a.txt", "-"},
                         .workers = 16,
                         .started_ms = 1'796'554'335'123,
                         .state = true};
  std::string out;
  AppendRunRecord(header, out);
  out.pop_back();
  const JsonLineRecord run = Read(out);
  ASSERT_EQ(run.type, Type::kRun);
  EXPECT_EQ(run.run.id, header.id);
  EXPECT_EQ(run.run.version, "9.9.9");
  EXPECT_EQ(run.run.shard, 3u);
  EXPECT_EQ(run.run.shards, 4u);
  EXPECT_EQ(run.run.files, header.files);
  EXPECT_EQ(run.run.workers, 16);
  EXPECT_EQ(run.run.started_ms, header.started_ms);
  EXPECT_TRUE(run.run.state);

  const RunEnd end{.id = header.id,
                   .finished = false,
                   .stopped_by = "max-time",
                   .list = {.digest = "sha256:ab", .urls = 2000},
                   .urls = 498,
                   .results = 12};
  out.clear();
  AppendEndRecord(end, out);
  out.pop_back();
  const JsonLineRecord back = Read(out);
  ASSERT_EQ(back.type, Type::kEnd);
  EXPECT_EQ(back.end.id, end.id);
  EXPECT_FALSE(back.end.finished);
  EXPECT_EQ(back.end.stopped_by, "max-time");
  EXPECT_EQ(back.end.list.digest, "sha256:ab");
  EXPECT_EQ(back.end.list.urls, 2000u);
  EXPECT_EQ(back.end.urls, 498u);
  EXPECT_EQ(back.end.results, 12u);

  HostStatsRow row{.host = "example.com",
                   .requests = 5,
                   .ok = 3,
                   .failed = 1,
                   .http_429 = 2,
                   .http_503 = 1,
                   .paused_s = 1.5,
                   .bytes = 99};
  for (int us : {10, 900, 15'000, 15'100, 2'000'000})
    row.latency.Add(std::chrono::microseconds(us));
  row.p50_ms = row.latency.PercentileMs(0.5);
  row.p95_ms = row.latency.PercentileMs(0.95);
  out.clear();
  AppendHostStatsJsonLines({row}, out);
  out.pop_back();
  const JsonLineRecord host = Read(out);
  ASSERT_EQ(host.type, Type::kHost);
  EXPECT_EQ(host.host.host, "example.com");
  EXPECT_EQ(host.host.requests, 5u);
  EXPECT_EQ(host.host.http_429, 2u);
  EXPECT_DOUBLE_EQ(host.host.paused_s, 1.5);
  EXPECT_EQ(host.host.latency.count(), 5u);
  EXPECT_EQ(host.host.latency.max_us(), 2'000'000u);
  for (double f : {0.2, 0.5, 0.95, 1.0}) {
    EXPECT_DOUBLE_EQ(host.host.latency.PercentileMs(f), row.latency.PercentileMs(f)) << f;
  }

  const JsonLineRecord summary = Read(
      R"({"type":"summary","total":3,"ok":1,"failed":1,"warned":1,"retries":2,"elapsed_s":1.25})");
  ASSERT_EQ(summary.type, Type::kSummary);
  EXPECT_EQ(summary.summary.total, 3u);
  EXPECT_EQ(summary.summary.warned, 1u);
  EXPECT_DOUBLE_EQ(summary.summary.elapsed_s, 1.25);
}

TEST(JsonLineReaderTest, KeysInAnyOrderAndNewKeysOrTypesAreFine) {
  const JsonLineRecord r = Read(
      R"({"url":"http://h/","later":{"x":[1,2]},"ok":true,"index":4,"type":"result","file":"a"})");
  ASSERT_EQ(r.type, Type::kResult);
  EXPECT_EQ(r.result.result.origin.url, "http://h/");
  EXPECT_EQ(r.result.result.origin.line, 4u);
  EXPECT_TRUE(r.result.result.verdict.ok);
  EXPECT_EQ(Read(R"({"type":"progress","n":1})").type, Type::kOther);
}

TEST(JsonLineReaderTest, WhatIsNotARecordSaysWhy) {
  EXPECT_NE(ReadStatus("not json").message().find("not JSON"), std::string::npos);
  EXPECT_NE(ReadStatus("[1,2]").message().find("not an object"), std::string::npos);
  EXPECT_NE(ReadStatus(R"({"url":"x"})").message().find("without \"type\""), std::string::npos);
  EXPECT_NE(ReadStatus(R"({"type":"result","index":1,"ok":true})").message().find("\"url\""),
            std::string::npos);
  EXPECT_NE(ReadStatus(R"({"type":"result","index":"one","url":"u","ok":true})")
                .message()
                .find("\"index\""),
            std::string::npos);
  EXPECT_NE(ReadStatus(R"({"type":"result","index":1,"url":"u","ok":true,"change":"lost"})")
                .message()
                .find("\"change\""),
            std::string::npos);
  EXPECT_FALSE(ReadStatus(R"({"type":"run"} {"type":"run"})").ok());
  EXPECT_FALSE(ReadStatus(R"({"type":"result","index":1,"url":"u","ok":tru)").ok());
}

TEST(RunRecordsTest, UtcMillisecondsRoundTrip) {
  EXPECT_EQ(FormatUtcMs(1'796'554'335'123), "2026-12-06T10:52:15.123Z");
  EXPECT_EQ(ParseUtcMs("2026-12-06T10:52:15.123Z"), 1'796'554'335'123);
  EXPECT_EQ(ParseUtcMs("2026-12-06T10:52:15Z"), std::nullopt);
  EXPECT_EQ(ParseUtcMs("2026-12-06T10:52:15.123Zjunk"), std::nullopt);
  EXPECT_EQ(NewRunId().size(), 16u);
  EXPECT_NE(NewRunId(), NewRunId());
}

}  // namespace
}  // namespace fetchpool
