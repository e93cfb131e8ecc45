// Integration tests for the script- and CI-facing output (issue 4): the real
// fetchpool binary against the in-process loopback server, its output parsed
// the way consumers parse it (nlohmann::json, Python's csv and xml modules,
// a pseudo-terminal for the progress line). This file: JSON Lines and CSV;
// output_report_ and output_display_integration tests hold the rest.
#include "support/output_integration.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/python.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The result records by URL (URLs are unique in these tests).
std::map<std::string, Json> ResultsByUrl(const std::vector<Json>& records) {
  std::map<std::string, Json> by_url;
  for (const Json& j : records) {
    if (j.value("type", "") == "result") {
      EXPECT_TRUE(by_url.emplace(j.at("url").get<std::string>(), j).second) << j.dump();
    }
  }
  return by_url;
}

// Python's csv module on stdout; each row comes back with every field hex-encoded
// (the exact bytes, whatever they were).
std::vector<std::vector<std::string>> ParseCsvWithPython(const std::string& csv_text) {
  const ProcessResult py = RunPythonScript("csv_fields_hex.py", {}, csv_text);
  EXPECT_EQ(py.exit_code, 0) << py.err;
  std::vector<std::vector<std::string>> rows;
  if (py.exit_code != 0) return rows;
  for (const Json& row : Json::parse(py.out)) {
    std::vector<std::string> fields;
    for (const Json& f : row) fields.push_back(Unhex(f.get<std::string>()));
    rows.push_back(std::move(fields));
  }
  return rows;
}

// --- JSON Lines -------------------------------------------------------------

class JsonFlagTest : public OutputIntegrationTest,
                     public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(JsonFlagTest, EveryLineParsesWithAllFieldsAndASummaryLast) {
  const std::string refused = Refused();
  const std::string input = "# line 1 is a comment\n" + U("/size/1229") + "\n\n" +
                            U("/status/404") + "\n" + refused + "\n" + "ftp://127.0.0.1/x\n" +
                            U("/redirect/2") + "\n" + U("/truncated") + "\n";
  const ProcessResult r = RunFetchpool(GetParam(), input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, "");
  const std::vector<Json> records = ParseJsonLines(r.out);
  ASSERT_EQ(records.size(), 9u) << "run, 6 results, end, summary: " << r.out;
  EXPECT_EQ(records.front()["type"], "run");
  EXPECT_EQ(records[records.size() - 2]["type"], "end");
  EXPECT_EQ(records[records.size() - 2]["finished"], true);
  const auto by_url = ResultsByUrl(records);
  ASSERT_EQ(by_url.size(), 6u) << r.out;

  for (const auto& [url, j] : by_url) {
    for (const char* key :
         {"url", "index", "ok", "status", "bytes", "ms", "attempts", "error", "effective_url", "ip",
          "dns_ms", "connect_ms", "tls_ms", "first_byte_ms", "total_ms"}) {
      EXPECT_TRUE(j.contains(key)) << key << " missing: " << j.dump();
    }
    EXPECT_TRUE(j["index"].is_number_unsigned()) << j.dump();
    EXPECT_TRUE(j["ok"].is_boolean()) << j.dump();
    EXPECT_TRUE(j["status"].is_null() || j["status"].is_number_integer()) << j.dump();
    EXPECT_TRUE(j["bytes"].is_number_unsigned()) << j.dump();
    EXPECT_TRUE(j["ms"].is_number_integer()) << j.dump();
    EXPECT_GE(j["ms"].get<long>(), 0) << j.dump();
    EXPECT_EQ(j["attempts"], 1) << j.dump();
    EXPECT_EQ(j["ok"].get<bool>(), j["error"].is_null()) << j.dump();
    if (!j["error"].is_null()) {
      EXPECT_TRUE(j["error"].is_string()) << j.dump();
    }
    for (const char* phase : {"dns_ms", "connect_ms", "tls_ms", "first_byte_ms", "total_ms"}) {
      EXPECT_TRUE(j[phase].is_number()) << phase << " " << j.dump();
      EXPECT_GE(j[phase].get<double>(), 0.0) << phase << " " << j.dump();
    }
  }

  const Json& big = by_url.at(U("/size/1229"));
  EXPECT_EQ(big["index"], 2);
  EXPECT_EQ(big["ok"], true);
  EXPECT_EQ(big["status"], 200);
  EXPECT_EQ(big["bytes"], 1229);
  EXPECT_EQ(big["effective_url"], U("/size/1229"));
  EXPECT_EQ(big["ip"], "127.0.0.1");
  EXPECT_EQ(big["tls_ms"], 0.0);  // plain http
  EXPECT_GT(big["total_ms"].get<double>(), 0.0);
  // libcurl's phases are cumulative from the start of the transfer.
  EXPECT_LE(big["dns_ms"].get<double>(), big["connect_ms"].get<double>() + 0.001) << big.dump();
  EXPECT_LE(big["connect_ms"].get<double>(), big["first_byte_ms"].get<double>() + 0.001)
      << big.dump();
  EXPECT_LE(big["first_byte_ms"].get<double>(), big["total_ms"].get<double>() + 0.001)
      << big.dump();

  const Json& missing = by_url.at(U("/status/404"));
  EXPECT_EQ(missing["index"], 4);
  EXPECT_EQ(missing["ok"], false);
  EXPECT_EQ(missing["status"], 404);
  EXPECT_EQ(missing["error"], "HTTP 404");

  const Json& down = by_url.at(refused);
  EXPECT_EQ(down["index"], 5);
  EXPECT_TRUE(down["status"].is_null()) << down.dump();
  EXPECT_EQ(down["error"], "connection refused");
  EXPECT_EQ(down["bytes"], 0);

  const Json& invalid = by_url.at("ftp://127.0.0.1/x");
  EXPECT_EQ(invalid["index"], 6);
  EXPECT_TRUE(invalid["status"].is_null());
  EXPECT_TRUE(invalid["error"].get<std::string>().starts_with("invalid URL: ")) << invalid.dump();
  EXPECT_TRUE(invalid["effective_url"].is_null()) << invalid.dump();
  EXPECT_TRUE(invalid["ip"].is_null()) << invalid.dump();

  const Json& redirected = by_url.at(U("/redirect/2"));
  EXPECT_EQ(redirected["index"], 7);
  EXPECT_EQ(redirected["ok"], true);
  EXPECT_EQ(redirected["status"], 200);
  EXPECT_EQ(redirected["effective_url"], U("/redirect/0"));
  EXPECT_EQ(redirected["bytes"], 4);  // "done"

  const Json& cut = by_url.at(U("/truncated"));
  EXPECT_EQ(cut["index"], 8);
  EXPECT_EQ(cut["ok"], false);
  EXPECT_TRUE(cut["error"].get<std::string>().starts_with("truncated body")) << cut.dump();

  const Json& summary = records.back();
  EXPECT_EQ(summary["type"], "summary") << summary.dump();
  EXPECT_EQ(summary["total"], 6);
  EXPECT_EQ(summary["ok"], 2);
  EXPECT_EQ(summary["failed"], 4);
  for (const char* key : {"elapsed_s", "p50_ms", "p90_ms", "p99_ms", "max_ms"}) {
    ASSERT_TRUE(summary.contains(key) && summary[key].is_number()) << key << summary.dump();
    EXPECT_GE(summary[key].get<double>(), 0.0) << key;
  }
  EXPECT_LE(summary["p50_ms"].get<double>(), summary["p90_ms"].get<double>());
  EXPECT_LE(summary["p90_ms"].get<double>(), summary["p99_ms"].get<double>());
  EXPECT_LE(summary["p99_ms"].get<double>(), summary["max_ms"].get<double>());
  EXPECT_FALSE(Has(r.out, "Summary:"));
}

INSTANTIATE_TEST_SUITE_P(Flags, JsonFlagTest,
                         ::testing::Values(std::vector<std::string>{"--json"},
                                           std::vector<std::string>{"--format", "jsonl"},
                                           std::vector<std::string>{"--format=jsonl", "-w", "1"}));

TEST_F(OutputIntegrationTest, JsonIndexIsTheLineNumberInItsInputFile) {
  TempDir dir;
  const std::string a = dir.Write("a.txt", "# first\n\n" + U("/size/1") + "\n");
  const std::string b = dir.Write("b.txt", U("/size/2") + "\n");
  const ProcessResult r = RunFetchpool({"--json", a, b});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto by_url = ResultsByUrl(ParseJsonLines(r.out));
  ASSERT_EQ(by_url.size(), 2u) << r.out;
  EXPECT_EQ(by_url.at(U("/size/1"))["index"], 3);
  EXPECT_EQ(by_url.at(U("/size/2"))["index"], 1);
}

TEST_F(OutputIntegrationTest, JsonLinesStayValidWhateverBytesTheUrlsHold) {
  std::vector<std::string> lines = HostileLines(server_);
  lines.push_back(std::string(U("/size/1") + "?nul=") + '\0' + "x");
  std::string input;
  for (const auto& line : lines) input += line + "\n";
  const ProcessResult r = RunFetchpool({"--json"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Count(r.out, "\n"), lines.size() + 3) << "run, results, end, summary";
  const std::vector<Json> records = ParseJsonLines(r.out);
  ASSERT_EQ(records.size(), lines.size() + 3) << r.out;
  std::map<std::uint64_t, std::string> url_by_index;
  for (const Json& j : records) {
    if (j["type"] == "result") url_by_index[j["index"].get<std::uint64_t>()] = j["url"];
  }
  ASSERT_EQ(url_by_index.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& given = lines[i];
    const std::string& got = url_by_index[i + 1];
    if (given.find('\xFF') != std::string::npos || given.ends_with("\xC3")) {
      // Invalid UTF-8 is replaced, never passed through or dropped with the line.
      EXPECT_TRUE(got.starts_with(U("/size/1") + "?")) << got;
      EXPECT_TRUE(Has(got, kReplacement));
    } else {
      EXPECT_EQ(got, given) << "line " << i + 1;  // exact round trip, control bytes included
    }
  }
  EXPECT_EQ(records.back()["type"], "summary");
  EXPECT_EQ(records.back()["total"], lines.size());
}

// --- CSV --------------------------------------------------------------------

// The columns docs/output.md documents, in order.
const std::vector<std::string> kCsvHeader = {
    "index", "url", "ok", "status", "bytes", "ms", "attempts", "error", "error_kind",
    "effective_url", "ip", "dns_ms", "connect_ms", "tls_ms", "first_byte_ms", "total_ms",
    "saved_to", "skipped", "warning", "file", "cached", "change", "elapsed_us", "fail_runs",
    "failing_since_ms", "column", "duplicate_of", "baseline", "blocked_by", "moved_to",
    "upgraded_to",
    // issue 26
    "cert_expires", "cert_days_left", "cert_subject", "cert_issuer", "cert_chain_expires",
    "cert_chain_days_left", "cert_chain_subject", "cert_sha256", "address_index", "address_count"};

TEST_F(OutputIntegrationTest, CsvParsesWithPythonAndTheSummaryGoesToStderr) {
  const std::string input = U("/size/1229") + "\n" + U("/status/404") + "\n" + Refused() + "\n" +
                            "ftp://127.0.0.1/x\n" + U("/redirect/1") + "\n";
  const ProcessResult r = RunFetchpool({"--format", "csv"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // stdout stays pure CSV; the person still gets the summary.
  EXPECT_FALSE(Has(r.out, "Summary"));
  EXPECT_EQ(SplitLines(r.err).size(), 1u) << r.err;
  const auto summary = LastSummary(r.err);
  ASSERT_TRUE(summary) << r.err;
  EXPECT_EQ(summary->total, 5u);
  EXPECT_EQ(summary->ok, 2u);
  EXPECT_EQ(summary->failed, 3u);
  // RFC 4180 line ends.
  EXPECT_EQ(Count(r.out, "\r\n"), 6u);
  EXPECT_EQ(Count(r.out, "\n"), 6u);

  const auto rows = ParseCsvWithPython(r.out);
  ASSERT_EQ(rows.size(), 6u) << r.out;
  EXPECT_EQ(rows[0], kCsvHeader);
  std::map<std::string, std::vector<std::string>> by_url;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), kCsvHeader.size()) << i;
    by_url[rows[i][1]] = rows[i];
  }
  ASSERT_EQ(by_url.size(), 5u);
  const auto& big = by_url.at(U("/size/1229"));
  EXPECT_EQ(big[0], "1");
  EXPECT_EQ(big[2], "true");
  EXPECT_EQ(big[3], "200");
  EXPECT_EQ(big[4], "1229");
  EXPECT_EQ(big[7], "");
  EXPECT_EQ(big[10], "127.0.0.1");
  const auto& missing = by_url.at(U("/status/404"));
  EXPECT_EQ(missing[0], "2");
  EXPECT_EQ(missing[2], "false");
  EXPECT_EQ(missing[3], "404");
  EXPECT_EQ(missing[7], "HTTP 404");
  const auto& invalid = by_url.at("ftp://127.0.0.1/x");
  EXPECT_EQ(invalid[3], "");
  EXPECT_TRUE(invalid[7].starts_with("invalid URL: unsupported scheme 'ftp'")) << invalid[7];
  EXPECT_EQ(by_url.at(U("/redirect/1"))[9], U("/redirect/0"));
}

TEST_F(OutputIntegrationTest, CsvQuotesHostileUrlsSoTheyRoundTrip) {
  const std::vector<std::string> lines = HostileLines(server_);
  std::string input;
  for (const auto& line : lines) input += line + "\n";
  const ProcessResult r = RunFetchpool({"--format", "csv", "-w", "1"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, 0);
  const auto rows = ParseCsvWithPython(r.out);
  ASSERT_EQ(rows.size(), lines.size() + 1) << r.out;
  std::multiset<std::string> urls;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].size(), kCsvHeader.size()) << i;
    if (rows[i].size() > 1) urls.insert(rows[i][1]);
  }
  // CSV carries bytes as they are: every URL comes back exactly.
  EXPECT_EQ(urls, std::multiset<std::string>(lines.begin(), lines.end()));
}

}  // namespace
}  // namespace fetchpool::testing
