// Integration tests for the core pipeline (issue 2): the real fetchpool binary
// against the in-process loopback server, checked the way a user or a script
// sees it: stdout lines, the summary, stderr and the exit status. This file:
// result lines, counting, input files, exit statuses and usage errors; the
// cli_transfer_ and cli_process_integration tests hold the rest.
#include "support/cli_integration.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

TEST_F(CliIntegrationTest, OkLinesShowSizeWithOneDecimalKilobytesAndTime) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {U("/size/1229"), "1.2KB"}, {U("/size/922"), "0.9KB"},     {U("/size/0"), "0.0KB"},
      {U("/size/1536"), "1.5KB"}, {U("/size/1048576"), "1.0MB"},
  };
  std::string input;
  for (const auto& [url, size] : cases) input += url + "\n";
  const ProcessResult r = RunFetchpool({"-w", "2"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), cases.size()) << r.out;
  for (const auto& [url, size] : cases) {
    EXPECT_NE(OnlyMatch(lines, OkLine(url, size)), "") << url << " " << size << "\n" << r.out;
  }
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, 5u);
  EXPECT_EQ(summary->ok, 5u);
  EXPECT_EQ(summary->failed, 0u);
}

TEST_F(CliIntegrationTest, FailureLinesSayWhy) {
  const std::string refused = "http://127.0.0.1:" + std::to_string(RefusedPort()) + "/";
  const std::string input =
      U("/status/404") + "\n" + U("/status/500") + "\n" + refused + "\n" + U("/size/10") + "\n";
  const ProcessResult r = RunFetchpool({}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_NE(OnlyMatch(lines, FailLine(U("/status/404"), "HTTP 404")), "") << r.out;
  EXPECT_NE(OnlyMatch(lines, FailLine(U("/status/500"), "HTTP 500")), "") << r.out;
  EXPECT_NE(OnlyMatch(lines, FailLine(refused, "connection refused")), "") << r.out;
  EXPECT_NE(OnlyMatch(lines, OkLine(U("/size/10"), "0.0KB")), "") << r.out;
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, 4u);
  EXPECT_EQ(summary->ok, 1u);
  EXPECT_EQ(summary->failed, 3u);
}

TEST_F(CliIntegrationTest, InvalidUrlsAreFailedLinesAndNeverFetched) {
  // URL as given on the line -> as the line must show it.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ftp://127.0.0.1/file", "ftp://127.0.0.1/file"},
      {"file:///etc/passwd", "file:///etc/passwd"},
      {"gopher://127.0.0.1/", "gopher://127.0.0.1/"},
      {"127.0.0.1/no-scheme", "127.0.0.1/no-scheme"},
      {"http://", "http://"},
      {"http://[::1", "http://[::1"},
      {"http://127.0.0.1/a\x01"
       "b",
       "http://127.0.0.1/a\\x01b"},
      {"http://127.0.0.1/\x1b[31mred", "http://127.0.0.1/\\x1b[31mred"},
      {"http://127.0.0.1/del\x7f", "http://127.0.0.1/del\\x7f"},
  };
  std::string input;
  for (const auto& [given, shown] : cases) input += given + "\n";
  const ProcessResult r = RunFetchpool({}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.term_signal, 0);
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), cases.size()) << r.out;
  for (const auto& [given, shown] : cases) {
    EXPECT_NE(OnlyMatch(lines, FailLine(shown, R"(invalid URL: [^\x00-\x1f]+)")), "")
        << shown << "\n"
        << r.out;
  }
  // The terminal never receives a raw control byte from the input.
  for (char c : r.out) {
    EXPECT_FALSE((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == '\x7f')
        << "raw control byte " << static_cast<int>(c);
  }
  EXPECT_TRUE(Has(r.out, "(invalid URL: unsupported scheme 'ftp' (only http and https), "));
  EXPECT_TRUE(Has(r.out, "(invalid URL: unsupported scheme 'file' (only http and https), "));
  EXPECT_TRUE(Has(r.out, "127.0.0.1/no-scheme (invalid URL: no scheme"));
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, cases.size());
  EXPECT_EQ(summary->failed, cases.size());
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(CliIntegrationTest, EveryInputUrlIsCountedExactlyOnce) {
  const std::string input = "\xEF\xBB\xBF" + U("/size/1") + "\n" +  // BOM on the first line
                            "# a comment\n"
                            "\n"
                            "   \t \n"
                            "  " +
                            U("/size/2") + " \t \r\n" +  // whitespace and CRLF
                            U("/status/500") + "\r\n" +
                            "ftp://127.0.0.1/x\n"
                            "   # an indented comment\n"
                            "\r\n"
                            "http://\n" +
                            U("/size/3") + "#fragment\n" + U("/size/4");  // no final newline
  const std::vector<std::string> expected = {U("/size/1"),     U("/size/2"),
                                             U("/status/500"), "ftp://127.0.0.1/x",
                                             "http://",        U("/size/3") + "#fragment",
                                             U("/size/4")};
  const ProcessResult r = RunFetchpool({"-w", "3"}, input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), expected.size()) << r.out;
  std::multiset<std::string> shown;
  static const std::regex kLine(R"(^(?:\[OK\]   |\[FAIL\] )(\S+) \(.*, \d+ms\)$)");
  for (const auto& line : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, kLine)) << line;
    shown.insert(m[1].str());
  }
  EXPECT_EQ(shown, std::multiset<std::string>(expected.begin(), expected.end())) << r.out;
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, 7u);
  EXPECT_EQ(summary->ok, 4u);
  EXPECT_EQ(summary->failed, 3u);
  EXPECT_EQ(server_.request_count(), 5u);
}

TEST_F(CliIntegrationTest, FilesAreReadInOrderAndDashIsStdin) {
  TempDir dir;
  const std::string a = dir.Write("a.txt", U("/size/1") + "\n" + U("/size/2") + "\n");
  const std::string b = dir.Write("b.txt", U("/size/5") + "\n");
  // One worker fetches strictly in input order.
  const ProcessResult r = RunFetchpool({"-w", "1", a, "-", b}, U("/size/3") + "\n" + U("/size/4"));
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto lines = ResultLines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(std::regex_match(lines[i], OkLine(U("/size/" + std::to_string(i + 1)), "0.0KB")))
        << lines[i];
  }
  EXPECT_EQ(server_.request_paths(),
            (std::vector<std::string>{"/size/1", "/size/2", "/size/3", "/size/4", "/size/5"}));

  // Files alone: stdin is not read at all.
  const ProcessResult only_files = RunFetchpool({"-w", "1", b}, U("/size/9") + "\n");
  EXPECT_EQ(only_files.exit_code, 0) << only_files.err;
  EXPECT_EQ(ResultLines(only_files.out).size(), 1u) << only_files.out;
  EXPECT_EQ(only_files.out.find("/size/9"), std::string::npos) << only_files.out;
}

TEST_F(CliIntegrationTest, ExitZeroWhenAllOkAndForEmptyInput) {
  for (const std::string& input : {std::string(), std::string("\n# only comments\n\n"),
                                   U("/size/1") + "\n" + U("/redirect/1") + "\n"}) {
    const ProcessResult r = RunFetchpool({}, input);
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << input << r.err;
    EXPECT_EQ(r.err, "");
    const auto summary = LastSummary(r.out);
    ASSERT_TRUE(summary) << r.out;
    EXPECT_EQ(summary->failed, 0u);
    EXPECT_EQ(summary->total, summary->ok);
    if (input.find("http") == std::string::npos) {
      EXPECT_EQ(SplitLines(r.out).size(), 1u) << r.out;
      EXPECT_EQ(summary->total, 0u);
    }
  }
  // Stdin at /dev/null behaves like empty input.
  SubprocessOptions devnull;
  devnull.stdin_pipe = false;
  const ProcessResult r = RunFetchpool({}, "", kRunTimeout, devnull);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(
      r.out, std::regex(R"(^Summary: 0 total, 0 ok, 0 failed, \d+\.\d\ds elapsed\n$)")))
      << r.out;
}

TEST_F(CliIntegrationTest, ExitOneWhenAnyUrlFailed) {
  const ProcessResult r =
      RunFetchpool({}, U("/size/1") + "\n" + U("/size/2") + "\n" + U("/status/503") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->total, 3u);
  EXPECT_EQ(summary->ok, 2u);
  EXPECT_EQ(summary->failed, 1u);
}

TEST_F(CliIntegrationTest, UsageErrorsExitTwoWithOneLineOnStderrBeforeFetching) {
  TempDir dir;
  const std::string good = dir.Write("good.txt", U("/size/1") + "\n");
  const std::vector<std::vector<std::string>> cases = {
      {"--no-such-flag"},
      {"-x"},
      {"-w", "0"},
      {"-w", "1025"},
      {"-workers=0"},
      {"--workers=abc"},
      {"-w"},
      {"--timeout", "abc"},
      {"--timeout", "-1"},
      {"--connect-timeout", "0"},
      {"--stall-timeout", "nan"},
      {"--max-redirs", "101"},
      {"--color", "sometimes"},
      {dir / "missing.txt"},
      {dir.path()},          // a directory
      {good, dir / "nope"},  // a bad file after a good one: nothing fetched
  };
  for (const auto& args : cases) {
    const ProcessResult r = RunFetchpool(args, U("/size/2") + "\n");
    const std::string what = args.back();
    ASSERT_FALSE(r.timed_out) << what;
    EXPECT_EQ(r.exit_code, 2) << what;
    EXPECT_EQ(r.out, "") << what;
    EXPECT_EQ(Count(r.err, "\n"), 1u) << what << ": " << r.err;
    EXPECT_TRUE(r.err.starts_with("fetchpool: ")) << what << ": " << r.err;
    EXPECT_TRUE(r.err.ends_with("\n")) << what << ": " << r.err;
  }
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(CliIntegrationTest, UnreadableInputsNameTheFile) {
  TempDir dir;
  const std::string missing = dir / "missing.txt";
  ProcessResult r = RunFetchpool({missing});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, missing));
  r = RunFetchpool({dir.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "directory"));
}

class WorkersSpellingTest : public CliIntegrationTest,
                            public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(WorkersSpellingTest, IsAcceptedAndLimitsConcurrency) {
  std::string input;
  for (int i = 0; i < 6; ++i) input += U("/delay/300") + "\n";
  const ProcessResult r = RunFetchpool(GetParam(), input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto summary = LastSummary(r.out);
  ASSERT_TRUE(summary) << r.out;
  EXPECT_EQ(summary->ok, 6u);
  EXPECT_EQ(server_.max_in_flight(), 3);
}

INSTANTIATE_TEST_SUITE_P(Spellings, WorkersSpellingTest,
                         ::testing::Values(std::vector<std::string>{"-workers=3"},
                                           std::vector<std::string>{"-workers", "3"},
                                           std::vector<std::string>{"-w", "3"},
                                           std::vector<std::string>{"--workers=3"},
                                           std::vector<std::string>{"--workers", "3"}));

}  // namespace
}  // namespace fetchpool::testing
