// Integration tests for the script- and CI-facing output (issue 4): the real
// fetchpool binary against the in-process loopback server, its output parsed
// the way consumers parse it (nlohmann::json, Python's csv and xml modules,
// a pseudo-terminal for the progress line).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/subprocess.hpp"
#include "support/test_server.hpp"

namespace fetchpool::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr char kHelloHex[] = "68656c6c6f20776f726c64";  // "hello world"
constexpr char kHelloSha256[] = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

::testing::AssertionResult Has(std::string_view text, std::string_view needle) {
  if (text.find(needle) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << needle << "\" not found in:\n" << text;
}

std::size_t Count(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// Every stdout line parsed; a line that does not parse fails the test and is skipped.
std::vector<Json> ParseJsonLines(const std::string& out) {
  std::vector<Json> records;
  for (const std::string& line : SplitLines(out)) {
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
    EXPECT_TRUE(j.is_object()) << line;
    if (!j.is_discarded()) records.push_back(std::move(j));
  }
  return records;
}

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
  const ProcessResult py = RunPython(
      "import csv, io, json, sys\n"
      "text = sys.stdin.buffer.read().decode('utf-8', 'surrogateescape')\n"
      "rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))\n"
      "print(json.dumps([[f.encode('utf-8', 'surrogateescape').hex() for f in r] for r in "
      "rows]))\n",
      {}, csv_text);
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

// Python's xml.etree on a JUnit file: a JSON summary of what a CI system would see.
Json ParseJUnitWithPython(const std::string& path) {
  const ProcessResult py = RunPython(
      "import json, sys, xml.etree.ElementTree as ET\n"
      "root = ET.parse(sys.argv[1]).getroot()\n"
      "suites = root.findall('testsuite')\n"
      "cases = [c for s in suites for c in s.findall('testcase')]\n"
      "out = {'root': root.tag, 'tests': root.get('tests'), 'failures': root.get('failures'),\n"
      "       'suites': len(suites), 'suite_tests': suites[0].get('tests'),\n"
      "       'suite_failures': suites[0].get('failures'), 'cases': []}\n"
      "for c in cases:\n"
      "    f = c.find('failure')\n"
      "    out['cases'].append({'name': c.get('name').encode('utf-8', 'surrogatepass').hex(),\n"
      "        'time': c.get('time'), 'failed': f is not None,\n"
      "        'message': None if f is None else f.get('message'),\n"
      "        'type': None if f is None else f.get('type')})\n"
      "print(json.dumps(out))\n",
      {path});
  EXPECT_EQ(py.exit_code, 0) << py.err;
  if (py.exit_code != 0) return Json();
  return Json::parse(py.out);
}

class OutputIntegrationTest : public ::testing::Test {
 protected:
  std::string U(std::string_view path) const { return server_.url(path); }
  std::string Refused() const { return "http://127.0.0.1:" + std::to_string(RefusedPort()) + "/"; }

  TestServer server_;
};

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
  ASSERT_EQ(records.size(), 7u) << r.out;
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
    if (!j["error"].is_null()) EXPECT_TRUE(j["error"].is_string()) << j.dump();
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

// Lines that try to break JSON, CSV and XML writers. Some are valid URLs (and
// fetched), the rest invalid; all must come out parseable.
std::vector<std::string> HostileLines(const TestServer& server) {
  const std::string base = server.url("/size/1");
  return {
      base + "?q=\"quoted\"",
      base + "?back\\slash\\",
      base + "?a=1,2,3",
      base + "?j={\"a\":[1,2]}&x='y'",
      base + "?x=<tag>&amp;",
      base + "?utf8=\xC3\xA9\xE2\x82\xAC",  // é€
      base + "?bad=\xFF\xFE",               // invalid UTF-8
      base + "?cut=\xC3",                   // truncated sequence
      "\"" + base + "\"",                   // quoted: not a URL
      base + "?ctl=\x01\x02",
      base + "?esc=\x1b[31m",
      base + "?del=\x7f",
  };
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
  EXPECT_EQ(Count(r.out, "\n"), lines.size() + 1);
  const std::vector<Json> records = ParseJsonLines(r.out);
  ASSERT_EQ(records.size(), lines.size() + 1) << r.out;
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

// The columns README documents, in order.
const std::vector<std::string> kCsvHeader = {
    "index",    "url",      "ok",         "status",     "bytes",
    "ms",       "attempts", "error",      "error_kind", "effective_url",
    "ip",       "dns_ms",   "connect_ms", "tls_ms",     "first_byte_ms",
    "total_ms", "saved_to", "skipped", "warning", "cached", "change"};

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

// --- JUnit ------------------------------------------------------------------

TEST_F(OutputIntegrationTest, JUnitReportParsesWithOneTestcasePerUrl) {
  TempDir dir;
  const std::string report = (dir.path() / "report.xml").string();
  const std::string refused = Refused();
  const std::vector<std::string> urls = {U("/size/1"),     U("/size/2"), U("/redirect/1"),
                                         U("/status/404"), refused,      "ftp://127.0.0.1/x"};
  std::string input;
  for (const auto& url : urls) input += url + "\n";
  const ProcessResult r = RunFetchpool({"--junit", report}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // stdout is unchanged: the text lines and summary.
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, 6u);

  const Json xml = ParseJUnitWithPython(report);
  ASSERT_TRUE(xml.is_object());
  EXPECT_EQ(xml["root"], "testsuites");
  EXPECT_EQ(xml["tests"], "6");
  EXPECT_EQ(xml["failures"], "3");
  EXPECT_EQ(xml["suites"], 1);
  EXPECT_EQ(xml["suite_tests"], "6");
  EXPECT_EQ(xml["suite_failures"], "3");
  std::map<std::string, Json> cases;
  for (const Json& c : xml["cases"]) cases[Unhex(c["name"].get<std::string>())] = c;
  ASSERT_EQ(cases.size(), urls.size()) << xml.dump();
  for (const auto& url : urls) ASSERT_TRUE(cases.count(url)) << url;
  EXPECT_EQ(cases[U("/size/1")]["failed"], false);
  EXPECT_EQ(cases[U("/redirect/1")]["failed"], false);
  EXPECT_EQ(cases[U("/status/404")]["failed"], true);
  EXPECT_EQ(cases[U("/status/404")]["message"], "HTTP 404");
  EXPECT_EQ(cases[U("/status/404")]["type"], "http_status");
  EXPECT_EQ(cases[refused]["message"], "connection refused");
  EXPECT_TRUE(cases["ftp://127.0.0.1/x"]["message"].get<std::string>().starts_with("invalid URL"));
  for (const auto& [name, c] : cases) {
    EXPECT_TRUE(std::regex_match(c["time"].get<std::string>(), std::regex(R"(\d+\.\d{3})")))
        << c.dump();
  }
  // Nothing left behind but the report.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(OutputIntegrationTest, JUnitReportSurvivesHostileUrlsAndSilentMode) {
  TempDir dir;
  const std::string report = (dir.path() / "hostile.xml").string();
  const std::vector<std::string> lines = HostileLines(server_);
  std::string input;
  for (const auto& line : lines) input += line + "\n";
  const ProcessResult r = RunFetchpool({"-s", "--junit", report}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");  // -s: nothing on stdout, the report is still written
  EXPECT_EQ(r.err, "");
  const Json xml = ParseJUnitWithPython(report);
  ASSERT_TRUE(xml.is_object());
  EXPECT_EQ(xml["tests"], std::to_string(lines.size()));
  EXPECT_EQ(xml["cases"].size(), lines.size());
}

TEST_F(OutputIntegrationTest, JUnitReportIsWrittenAfterAnInterruptToo) {
  TempDir dir;
  const std::string report = (dir.path() / "r.xml").string();
  Subprocess proc = StartFetchpool({"--junit", report, "-w", "2"});
  proc.WriteStdin(U("/size/1") + "\n" + U("/delay/10000") + "\n");
  ASSERT_TRUE(proc.WaitForStdout("[OK]", 10s)) << proc.StderrSoFar();
  ASSERT_TRUE(Eventually([&] { return server_.in_flight() == 1; }));
  proc.Signal(SIGINT);
  const ProcessResult r = proc.Wait(10s);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  const Json xml = ParseJUnitWithPython(report);
  ASSERT_TRUE(xml.is_object());
  // What finished is reported; the aborted transfer is not a verdict on its URL.
  EXPECT_EQ(xml["tests"], "1");
  EXPECT_EQ(xml["failures"], "0");
}

TEST_F(OutputIntegrationTest, JUnitIntoAMissingDirectoryIsAUsageErrorBeforeFetching) {
  TempDir dir;
  const std::string report = (dir.path() / "no" / "such" / "dir" / "r.xml").string();
  const ProcessResult r = RunFetchpool({"--junit", report}, U("/size/1") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Count(r.err, "\n"), 1u) << r.err;
  EXPECT_TRUE(Has(r.err, report));
  EXPECT_EQ(server_.request_count(), 0u);
  EXPECT_FALSE(std::filesystem::exists(report));
}

TEST_F(OutputIntegrationTest, FormatUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--format", "xml"},
                                                                {"--format"},
                                                                {"--json", "--format", "csv"},
                                                                {"-q", "-s"},
                                                                {"-q", "-v"},
                                                                {"-s", "-v"},
                                                                {"--progress", "--no-progress"},
                                                                {"--junit"}}) {
    const ProcessResult r = RunFetchpool(args, U("/size/1") + "\n");
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.out, "") << args[0];
    EXPECT_EQ(Count(r.err, "\n"), 1u) << args[0] << ": " << r.err;
  }
  EXPECT_EQ(server_.request_count(), 0u);
}

// --- --ordered --------------------------------------------------------------

TEST_F(OutputIntegrationTest, OrderedPrintsInInputOrderWhileFetchingConcurrently) {
  std::mt19937 random(20240601);
  std::uniform_int_distribution<int> delay(0, 40);
  constexpr int kUrls = 300;
  std::string input;
  // A slow first URL: everything after it finishes first, and must wait.
  input += U("/delay/300?i=0") + "\n";
  for (int i = 1; i < kUrls; ++i) {
    input += U("/delay/" + std::to_string(delay(random)) + "?i=" + std::to_string(i)) + "\n";
  }
  const ProcessResult r = RunFetchpool({"--ordered", "-w", "8"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), kUrls + 1u) << r.out;
  for (int i = 0; i < kUrls; ++i) {
    ASSERT_TRUE(Has(lines[i], "?i=" + std::to_string(i) + " (")) << "position " << i;
    EXPECT_TRUE(lines[i].starts_with("[OK]   ")) << lines[i];
  }
  const auto summary = ParseSummary(lines.back());
  ASSERT_TRUE(summary) << lines.back();
  EXPECT_EQ(summary->total, static_cast<std::uint64_t>(kUrls));
  EXPECT_EQ(summary->ok, static_cast<std::uint64_t>(kUrls));
  EXPECT_EQ(server_.max_in_flight(), 8);
}

TEST_F(OutputIntegrationTest, OrderedJsonAndRandomDelaysKeepInputOrder) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> delay(0, 300);
  std::string input;
  for (int i = 0; i < 24; ++i) {
    input += U("/delay/" + std::to_string(delay(random)) + "?i=" + std::to_string(i)) + "\n";
  }
  const ProcessResult r = RunFetchpool({"--ordered", "--json", "-w", "8"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto records = ParseJsonLines(r.out);
  ASSERT_EQ(records.size(), 25u);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(records[i]["index"], i + 1);
  EXPECT_EQ(records.back()["type"], "summary");
}

TEST_F(OutputIntegrationTest, OrderedSlowHeadStopsNewWorkInsteadOfBuffering) {
  constexpr int kFast = 2000;
  std::string input = U("/delay/1500") + "\n";
  for (int i = 0; i < kFast; ++i) input += U("/size/0?i=" + std::to_string(i)) + "\n";
  Subprocess proc = StartFetchpool({"--ordered", "-w", "4"});
  std::thread feeder([&] {
    proc.WriteStdin(input);
    proc.CloseStdin();
  });
  // Once the head is being served (it takes 1.5 s), give the fast URLs most of
  // a second to run ahead of it: plenty to fill the window many times over.
  const bool head_arrived = Eventually([&] { return server_.request_count() >= 1; });
  if (head_arrived) std::this_thread::sleep_for(900ms);
  const std::size_t started_while_blocked = server_.request_count();
  const bool head_still_running = server_.in_flight() >= 1;
  const std::string printed_while_blocked = proc.StdoutSoFar();
  const ProcessResult r = proc.Wait(30s);
  feeder.join();
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(head_arrived);
  ASSERT_TRUE(head_still_running);
  // README: at most max(256, 16 x workers) URLs start ahead of the oldest unprinted one.
  EXPECT_LE(started_while_blocked, 257u);
  EXPECT_EQ(printed_while_blocked, "");
  EXPECT_GT(started_while_blocked, 4u) << "the window let nothing run ahead";
  const auto lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), kFast + 2u);
  EXPECT_TRUE(Has(lines[0], "/delay/1500 ("));
  for (int i = 0; i < kFast; ++i) {
    ASSERT_TRUE(Has(lines[i + 1], "?i=" + std::to_string(i) + " (")) << "position " << i + 1;
  }
  const auto summary = ParseSummary(lines.back());
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->total, kFast + 1u);
}

// --- quiet, silent, verbose ---------------------------------------------------

TEST_F(OutputIntegrationTest, QuietPrintsOnlyFailuresAndTheSummary) {
  const std::string input = U("/size/1") + "\n" + U("/size/2") + "\n" + U("/status/404") + "\n" +
                            U("/size/3") + "\n" + "ftp://127.0.0.1/\n";
  for (const char* flag : {"-q", "--quiet"}) {
    const ProcessResult r = RunFetchpool({flag}, input);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err, "");
    const auto lines = SplitLines(r.out);
    ASSERT_EQ(lines.size(), 3u) << r.out;
    EXPECT_TRUE(lines[0].starts_with("[FAIL] ")) << lines[0];
    EXPECT_TRUE(lines[1].starts_with("[FAIL] ")) << lines[1];
    const auto summary = ParseSummary(lines[2]);
    ASSERT_TRUE(summary) << lines[2];
    EXPECT_EQ(summary->total, 5u);  // the quiet ones still count
    EXPECT_EQ(summary->ok, 3u);
    EXPECT_EQ(summary->failed, 2u);
  }
  const ProcessResult all_ok = RunFetchpool({"-q"}, U("/size/1") + "\n");
  EXPECT_EQ(all_ok.exit_code, 0);
  EXPECT_EQ(SplitLines(all_ok.out).size(), 1u) << all_ok.out;
  EXPECT_TRUE(LastSummary(all_ok.out));
}

TEST_F(OutputIntegrationTest, SilentPrintsNothingAndTheExitStatusTells) {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--format", "csv"},
        std::vector<std::string>{"--json"}, std::vector<std::string>{"--progress"}}) {
    for (const char* flag : {"-s", "--silent"}) {
      std::vector<std::string> args = extra;
      args.push_back(flag);
      const ProcessResult failing = RunFetchpool(args, U("/size/1") + "\n" + U("/status/500"));
      EXPECT_EQ(failing.exit_code, 1) << flag;
      EXPECT_EQ(failing.out, "") << flag;
      EXPECT_EQ(failing.err, "") << flag;
      const ProcessResult fine = RunFetchpool(args, U("/size/1") + "\n");
      EXPECT_EQ(fine.exit_code, 0) << flag;
      EXPECT_EQ(fine.out, "") << flag;
      EXPECT_EQ(fine.err, "") << flag;
    }
  }
}

TEST_F(OutputIntegrationTest, VerboseAddsDetailsAndALatencyLine) {
  const ProcessResult r =
      RunFetchpool({"-v", "-w", "1"}, U("/redirect/2") + "\n" + U("/size/10") + "\n" +
                                          U("/status/404") + "\n" + "ftp://127.0.0.1/\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_TRUE(std::regex_match(
      lines[0],
      std::regex(R"(^\[OK\]   )" + RegexEscape(U("/redirect/2")) + R"( \(0\.0KB, \d+ms\) -> )" +
                 RegexEscape(U("/redirect/0")) + R"( \[127\.0\.0\.1\]$)")))
      << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], std::regex(R"(^\[OK\]   )" + RegexEscape(U("/size/10")) +
                                                    R"( \(0\.0KB, \d+ms\) \[127\.0\.0\.1\]$)")))
      << lines[1];
  EXPECT_TRUE(lines[2].starts_with("[FAIL] " + U("/status/404") + " (HTTP 404, ")) << lines[2];
  EXPECT_TRUE(lines[3].starts_with("[FAIL] ftp://127.0.0.1/ (invalid URL:")) << lines[3];
  EXPECT_TRUE(std::regex_match(
      lines[4], std::regex(R"(^Latency: p50 \d+ms, p90 \d+ms, p99 \d+ms, max \d+ms$)")))
      << lines[4];
  EXPECT_TRUE(ParseSummary(lines[5])) << lines[5];

  // Without -v there is no latency line.
  const ProcessResult plain = RunFetchpool({}, U("/size/10") + "\n");
  EXPECT_FALSE(Has(plain.out, "Latency:"));
}

// --- progress -----------------------------------------------------------------

// Two URLs of 700 ms one after the other: a run well past the half second
// after which a progress line may appear.
std::string SlowList(const TestServer& server, TempDir& dir) {
  return dir.Write("slow.txt",
                   server.url("/delay/700?a") + "\n" + server.url("/delay/700?b") + "\n");
}

TEST_F(OutputIntegrationTest, NoProgressWhenStderrIsAPipe) {
  TempDir dir;
  const ProcessResult r = RunFetchpool({"-w", "1", SlowList(server_, dir)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.find('\r'), std::string::npos);
}

TEST_F(OutputIntegrationTest, ProgressFlagForcesItOntoAPipe) {
  TempDir dir;
  const ProcessResult r = RunFetchpool({"--progress", "-w", "1", SlowList(server_, dir)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "done"));
  EXPECT_TRUE(
      std::regex_search(r.err, std::regex(R"(\d+/2 done  \d+ ok  \d+ failed  \d+/s  \d+\.\ds)")))
      << r.err;
  EXPECT_TRUE(r.err.ends_with("\r\x1b[K")) << "the line is erased at the end";
  // stdout is untouched by it.
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(SplitLines(r.out).size(), 3u) << r.out;
}

TEST_F(OutputIntegrationTest, ProgressOnATerminalOnlyForARunLongerThanAMoment) {
  TempDir dir;
  PtyResult slow = RunOnPty({FETCHPOOL_BINARY, "-w", "1", SlowList(server_, dir)});
  ASSERT_FALSE(slow.timed_out);
  EXPECT_EQ(slow.exit_code, 0);
  EXPECT_TRUE(Has(slow.tty, " done  "));
  EXPECT_TRUE(Has(slow.tty, " ok  "));
  EXPECT_TRUE(slow.tty.ends_with("\r\x1b[K")) << "the line is erased at the end";
  EXPECT_TRUE(LastSummary(slow.out)) << slow.out;

  PtyResult quick =
      RunOnPty({FETCHPOOL_BINARY, dir.Write("quick.txt", U("/size/1") + "\n" + U("/size/2"))});
  EXPECT_EQ(quick.exit_code, 0);
  EXPECT_EQ(quick.tty, "");
  EXPECT_TRUE(LastSummary(quick.out)) << quick.out;
}

TEST_F(OutputIntegrationTest, NoProgressOrSilentKeepTheTerminalQuiet) {
  TempDir dir;
  const std::string list = dir.Write("slow.txt", U("/delay/800") + "\n");
  for (const char* flag : {"--no-progress", "-s"}) {
    PtyResult r = RunOnPty({FETCHPOOL_BINARY, flag, list});
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << flag;
    EXPECT_EQ(r.tty, "") << flag;
  }
}

TEST_F(OutputIntegrationTest, ProgressNeverInterleavesWithResultLinesOnATerminal) {
  TempDir dir;
  std::string list;
  for (int i = 0; i < 5; ++i) list += U("/delay/250?i=" + std::to_string(i)) + "\n";
  PtyOptions both;
  both.stdout_on_pty = true;
  PtyResult r = RunOnPty(
      {FETCHPOOL_BINARY, "--color", "never", "-w", "1", dir.Write("urls.txt", list)}, both);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  const std::string& tty = r.tty;
  ASSERT_TRUE(Has(tty, " done  ")) << "a 1.25 s run shows progress";
  // Each result line starts at column 0 (after the progress line was erased)
  // and runs to its newline with nothing drawn in between.
  std::size_t results = 0;
  for (auto pos = tty.find("[OK]"); pos != std::string::npos; pos = tty.find("[OK]", pos + 1)) {
    ++results;
    const bool at_line_start =
        pos == 0 || tty[pos - 1] == '\n' || (pos >= 3 && tty.compare(pos - 3, 3, "\x1b[K") == 0);
    EXPECT_TRUE(at_line_start) << "result line does not start a line at " << pos;
    const auto nl = tty.find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    const std::string line = tty.substr(pos, nl - pos);
    EXPECT_EQ(line.find_first_of("\r\x1b"), std::string::npos) << "progress inside a line";
  }
  EXPECT_EQ(results, 5u);
  // The summary is the last thing on the terminal, on a clean line.
  const auto summary_at = tty.rfind("Summary: ");
  ASSERT_NE(summary_at, std::string::npos);
  EXPECT_TRUE(tty.compare(summary_at - 1, 1, "\n") == 0 ||
              tty.compare(summary_at - 3, 3, "\x1b[K") == 0);
  EXPECT_TRUE(ParseSummary(tty.substr(summary_at, tty.size() - summary_at - 1)))
      << tty.substr(summary_at);
  EXPECT_TRUE(tty.ends_with("\n"));
}

// --- per-line checks ------------------------------------------------------------

TEST_F(OutputIntegrationTest, PerLineChecksDecideAndNameTheFailedCheck) {
  const std::string hello = U(std::string("/bytes?hex=") + kHelloHex);
  std::string upper_sha = kHelloSha256;
  std::transform(upper_sha.begin(), upper_sha.end(), upper_sha.begin(), ::toupper);
  std::string wrong_sha = kHelloSha256;
  wrong_sha.back() = '0';
  struct Case {
    std::string line;
    bool ok;
    std::string error_part;  // expected in the error when !ok
  };
  const std::vector<Case> cases = {
      {U("/size/10") + " status=200", true, ""},
      {U("/size/10") + "\tstatus=200-299   max-ms=10000", true, ""},
      {U("/status/301") + " status=301", true, ""},
      {U("/redirect/1") + " status=302", true, ""},  // not followed: the redirect is the answer
      {U("/redirect/1") + " status=301,302", true, ""},
      {U("/redirect/1") + " status=301", false, "check status=301 failed: got 302"},
      {U("/status/404") + " status=404", true, ""},  // replaces the "below 400" rule
      {U("/size/10") + " status=404", false, "check status=404 failed: got 200"},
      {U("/delay/300") + " max-ms=50", false, "check max-ms=50 failed: took "},
      {hello + " contains=world", true, ""},
      {hello + " contains=hello%20world", true, ""},
      {hello + " contains=nope", false, "check contains=nope failed"},
      {hello + " sha256=" + kHelloSha256, true, ""},
      {hello + " sha256=" + upper_sha, true, ""},
      {hello + " sha256=" + wrong_sha, false,
       "check sha256=" + wrong_sha + " failed: body has " + kHelloSha256},
      {hello + " contains=hello sha256=" + kHelloSha256 + " status=200", true, ""},
      {U("/size/1") + " bogus=1", false, "unknown check 'bogus=1'"},
      {U("/size/1") + " justtext", false, "'justtext' is not a check"},
      {U("/size/1") + " status=abc", false, "bad check status=abc"},
      {U("/size/1") + " sha256=123", false, "bad check sha256=123"},
      {U("/size/1") + " max-ms=-5", false, "bad check max-ms=-5"},
  };
  std::string input;
  for (const auto& c : cases) input += c.line + "\n";
  const ProcessResult r = RunFetchpool({"--json", "-w", "4"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto records = ParseJsonLines(r.out);
  ASSERT_EQ(records.size(), cases.size() + 1) << r.out;
  std::map<std::uint64_t, Json> by_index;
  for (const Json& j : records) {
    if (j["type"] == "result") by_index[j["index"].get<std::uint64_t>()] = j;
  }
  ASSERT_EQ(by_index.size(), cases.size());
  std::size_t expected_ok = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Json& j = by_index[i + 1];
    const Case& c = cases[i];
    expected_ok += c.ok ? 1 : 0;
    EXPECT_EQ(j["ok"], c.ok) << c.line << "\n" << j.dump();
    if (!c.ok) {
      ASSERT_TRUE(j["error"].is_string()) << j.dump();
      EXPECT_TRUE(Has(j["error"].get<std::string>(), c.error_part)) << c.line;
    }
  }
  // The URL is the URL alone, without its checks.
  EXPECT_EQ(by_index[1]["url"], U("/size/10"));
  // A 3xx check means the redirect is not followed.
  EXPECT_EQ(by_index[4]["status"], 302);
  EXPECT_EQ(by_index[4]["effective_url"], U("/redirect/1"));
  EXPECT_EQ(by_index[3]["status"], 301);
  EXPECT_EQ(by_index[9]["error_kind"], "check_failed");
  EXPECT_EQ(records.back()["total"], cases.size());
  EXPECT_EQ(records.back()["ok"], expected_ok);
}

TEST_F(OutputIntegrationTest, FailedChecksReadWellInText) {
  const ProcessResult r =
      RunFetchpool({"-w", "2"}, U("/delay/300") + " max-ms=50\n" + U("/size/1") + " bogus=1\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  const std::regex slow(R"(^\[FAIL\] )" + RegexEscape(U("/delay/300")) +
                        R"( \(check max-ms=50 failed: took \d+ms, \d+ms\)$)");
  const std::regex unknown(R"(^\[FAIL\] )" + RegexEscape(U("/size/1")) +
                           R"( \(unknown check 'bogus=1' .*, \d+ms\)$)");
  EXPECT_TRUE(std::regex_match(lines[0], slow) || std::regex_match(lines[1], slow)) << r.out;
  EXPECT_TRUE(std::regex_match(lines[0], unknown) || std::regex_match(lines[1], unknown)) << r.out;
  // A malformed check never reaches the network.
  EXPECT_EQ(server_.request_count(), 1u);
}

}  // namespace
}  // namespace fetchpool::testing
