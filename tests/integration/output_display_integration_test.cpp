// Integration tests for what a person at a terminal sees from the real binary:
// --quiet, --silent, --verbose, the progress line, and per-line checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/output_integration.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

constexpr char kHelloHex[] = "68656c6c6f20776f726c64";  // "hello world"
constexpr char kHelloSha256[] = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

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
  auto lines = SplitLines(r.out);
  // -v also shows the --stats block (issue 14) between the results and the latency line.
  const auto stats = std::find(lines.begin(), lines.end(), "Latency histogram:");
  ASSERT_EQ(stats - lines.begin(), 4) << r.out;
  const auto latency = std::find_if(stats, lines.end(),
                                    [](const std::string& l) { return l.starts_with("Latency:"); });
  lines.erase(stats, latency);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_TRUE(std::regex_match(
      lines[0],
      std::regex(R"(^\[OK\]   )" + RegexEscape(U("/redirect/2")) + R"( \(0\.0KB, \d+ms\) -> )" +
                 RegexEscape(U("/redirect/0")) + R"( \[127\.0\.0\.1\] at \(stdin\):\d$)")))
      << lines[0];
  EXPECT_TRUE(std::regex_match(
      lines[1], std::regex(R"(^\[OK\]   )" + RegexEscape(U("/size/10")) +
                           R"( \(0\.0KB, \d+ms\) \[127\.0\.0\.1\] at \(stdin\):\d$)")))
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
  ASSERT_EQ(records.size(), cases.size() + 3) << "run, results, end, summary: " << r.out;
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
