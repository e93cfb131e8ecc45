#include "fetchpool/input/url_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "fetchpool/util/bounded_queue.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

// Why `url` cannot be fetched ("" when it can).
std::string Why(const std::string& url) {
  Target target;
  return ValidateUrl(url, target);
}

// A line as the pipeline turns it into a job: split, then validated.
std::optional<Job> ParseLine(std::string_view line) {
  std::optional<Job> job = SplitLine(line);
  if (job) ValidateJob(*job);
  return job;
}

TEST(ValidateUrlTest, AcceptsHttpAndHttps) {
  EXPECT_EQ(Why("http://example.com"), "");
  EXPECT_EQ(Why("https://example.com/a/b?c=d#e"), "");
  EXPECT_EQ(Why("HTTPS://EXAMPLE.COM/"), "");
  EXPECT_EQ(Why("http://127.0.0.1:8080/x"), "");
  EXPECT_EQ(Why("http://[::1]:80/"), "");
  EXPECT_EQ(Why("http://user:pw@host/"), "");
}

TEST(ValidateUrlTest, RejectsOtherSchemes) {
  EXPECT_EQ(Why("ftp://example.com/"), "unsupported scheme 'ftp' (only http and https)");
  EXPECT_EQ(Why("file:///etc/passwd"), "unsupported scheme 'file' (only http and https)");
  EXPECT_NE(Why("gopher://x/"), "");
  EXPECT_NE(Why("javascript:alert(1)"), "");
}

TEST(ValidateUrlTest, RejectsMalformedInput) {
  EXPECT_EQ(Why("example.com"), "no scheme (expected http:// or https://)");
  EXPECT_EQ(Why(""), "empty URL");
  EXPECT_NE(Why("http://"), "");
  EXPECT_NE(Why("http://exa mple.com/"), "");
  EXPECT_NE(Why("http://[::1/"), "");
  EXPECT_NE(Why("http://host:99999/"), "");
  EXPECT_EQ(Why(std::string("http://a/\0b", 11)), "control character in URL");
  EXPECT_EQ(Why("http://a/\x1b[31m"), "control character in URL");
}

TEST(ParseLineTest, SkipsBlankAndCommentLines) {
  EXPECT_FALSE(ParseLine(""));
  EXPECT_FALSE(ParseLine("   \t "));
  EXPECT_FALSE(ParseLine("\r"));
  EXPECT_FALSE(ParseLine("# a comment"));
  EXPECT_FALSE(ParseLine("   # indented comment"));
}

TEST(ParseLineTest, TrimsWhitespaceAndCarriageReturn) {
  std::optional<Job> job = ParseLine("  \thttp://example.com/x \r");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->origin.url, "http://example.com/x");
  EXPECT_EQ(job->target.invalid, "");
}

TEST(ParseLineTest, InvalidUrlsBecomeJobsThatSayWhy) {
  std::optional<Job> job = ParseLine("ftp://x/");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->origin.url, "ftp://x/");
  EXPECT_EQ(job->target.invalid, "invalid URL: unsupported scheme 'ftp' (only http and https)");
}

TEST(ParseLineTest, ValidUrlsCarryTheirHostFromTheOneParse) {
  const std::optional<Job> name = ParseLine("http://WWW.Example.COM.:8080/a");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->target.host, "www.example.com");
  EXPECT_FALSE(name->target.ip_literal);
  const std::optional<Job> v4 = ParseLine("http://127.3.2.1:9/");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->target.host, "127.3.2.1");
  EXPECT_TRUE(v4->target.ip_literal);
  const std::optional<Job> v6 = ParseLine("http://[::1]:80/x");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->target.ip_literal);
  const std::optional<Job> bad = ParseLine("ftp://127.0.0.1/");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->target.host, "") << "an invalid line has no host to key";
  EXPECT_FALSE(bad->target.ip_literal);
}

TEST(ParseLineTest, TextAfterTheUrlMustBeChecks) {
  std::optional<Job> job = ParseLine("http://a/ what");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->origin.url, "http://a/");
  EXPECT_EQ(job->target.invalid,
            "'what' is not a check (expected status=, max-ms=, contains= or sha256=)");
}

TEST(ParseLineTest, ChecksAfterTheUrlAreParsed) {
  std::optional<Job> job = ParseLine("http://a/ status=200,301\tmax-ms=500  contains=a%20b ");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->target.invalid, "");
  ASSERT_TRUE(job->checks.expect);
  ASSERT_TRUE(job->checks.expect->status);
  EXPECT_TRUE(job->checks.expect->status->Contains(301));
  EXPECT_EQ(job->checks.expect->max_ms, 500);
  EXPECT_EQ(job->checks.expect->contains, "a b");
}

TEST(ParseLineTest, InTwoStepsTheUrlIsJudgedBeforeTheChecksAndOnlyOnce) {
  std::optional<Job> job = SplitLine("ftp://a/ what");
  ASSERT_TRUE(job);
  EXPECT_FALSE(job->target.checked);
  EXPECT_EQ(job->target.host, "") << "not parsed yet";
  EXPECT_NE(job->target.invalid, "");  // the checks' complaint, until the URL is judged
  ValidateJob(*job);
  EXPECT_EQ(job->target.invalid, ParseLine("ftp://a/ what")->target.invalid);
  EXPECT_EQ(job->target.invalid, "invalid URL: unsupported scheme 'ftp' (only http and https)");
  EXPECT_EQ(job->checks.digest, 0u);
  std::optional<Job> fine = SplitLine("http://Host:1/ status=200");
  ASSERT_TRUE(fine);
  ValidateJob(*fine);
  EXPECT_EQ(fine->target.host, "host");
  EXPECT_NE(fine->checks.digest, 0u);
  fine->target.host = "kept";
  ValidateJob(*fine);
  EXPECT_EQ(fine->target.host, "kept") << "a second ValidateJob parses nothing";
}

// Reads `files` into `q`, which stands in for the dispatcher (it blocks when full, too), each
// job validated as the pipeline validates it.
ReadOutcome Read(std::vector<std::string> files, BoundedQueue<Job>& q, std::stop_token stop) {
  const ReadTarget target{.submit = [&q, stop](Job job) {
    ValidateJob(job);
    return q.push(std::move(job), stop);
  }};
  return ReadUrls({.files = std::move(files)}, target, stop);
}

std::vector<Job> Drain(BoundedQueue<Job>& q) {
  std::deque<Job> taken;
  q.try_take_all(taken);
  return {std::make_move_iterator(taken.begin()), std::make_move_iterator(taken.end())};
}

// A list file in a directory removed when the test program ends.
std::string TempFile(const std::string& content) {
  static testing::TempDir dir;
  static int files = 0;
  return dir.Write("list-" + std::to_string(++files), content);
}

TEST(ReadUrlsTest, JobsArriveUnparsedButOverlongLinesStayRefused) {
  const std::string path =
      TempFile("ftp://a/\n" + std::string(kMaxLineBytes + 1, 'x') + "\nhttp://b/\n");
  std::vector<Job> jobs;
  const ReadTarget target{.submit = [&jobs](Job job) {
    jobs.push_back(std::move(job));
    return true;
  }};
  EXPECT_EQ(ReadUrls({.files = {path}}, target, {}).error.message(), "");
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].target.invalid, "");
  EXPECT_FALSE(jobs[0].target.checked);
  for (Job& job : jobs) ValidateJob(job);
  EXPECT_EQ(jobs[0].target.invalid, "invalid URL: unsupported scheme 'ftp' (only http and https)");
  EXPECT_EQ(jobs[1].target.invalid, "line too long (over 65536 bytes)");
  EXPECT_EQ(jobs[2].target.invalid, "");
  EXPECT_EQ(jobs[2].target.host, "b");
  std::remove(path.c_str());
}

TEST(ReadUrlsTest, ReadsFilesInOrderWithLineNumbersAndSequence) {
  const std::string a = TempFile("\xEF\xBB\xBFhttp://a/1\r\n# skip\n\nhttp://a/2");
  const std::string b = TempFile("http://b/1\n");
  BoundedQueue<Job> q(16);
  EXPECT_EQ(Read({a, b}, q, {}).error.message(), "");
  std::vector<Job> jobs = Drain(q);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].origin.url, "http://a/1");
  EXPECT_EQ(jobs[0].target.invalid, "") << "a UTF-8 byte order mark is not part of the URL";
  EXPECT_EQ(jobs[0].origin.line, 1u);
  EXPECT_EQ(jobs[1].origin.url, "http://a/2");
  EXPECT_EQ(jobs[1].origin.line, 4u);
  EXPECT_EQ(jobs[2].origin.url, "http://b/1");
  EXPECT_EQ(jobs[2].origin.line, 1u);
  for (std::size_t i = 0; i < jobs.size(); ++i) EXPECT_EQ(jobs[i].origin.seq, i);
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST(ReadUrlsTest, OverlongLineBecomesOneFailedJobAndReadingGoesOn) {
  std::string content = "http://a/" + std::string(kMaxLineBytes + 10, 'x') + "\nhttp://b/\n";
  const std::string path = TempFile(content);
  BoundedQueue<Job> q(16);
  EXPECT_EQ(Read({path}, q, {}).error.message(), "");
  std::vector<Job> jobs = Drain(q);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].target.invalid, "line too long (over 65536 bytes)");
  EXPECT_LT(jobs[0].origin.url.size(), 300u);
  EXPECT_EQ(jobs[1].origin.url, "http://b/");
  EXPECT_EQ(jobs[1].origin.line, 2u);
  std::remove(path.c_str());
}

TEST(ReadUrlsTest, LinesSplitAcrossReadsAreJoined) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const int saved_stdin = ::dup(STDIN_FILENO);
  ::dup2(fds[0], STDIN_FILENO);
  ::close(fds[0]);
  BoundedQueue<Job> q(16);
  std::string error = "not run";
  std::jthread reader([&] { error = Read({"-"}, q, {}).error.message(); });
  for (const char* piece : {"http://ex", "ample.com/", "a\nhttp://", "b/\n"}) {
    ASSERT_GT(::write(fds[1], piece, std::strlen(piece)), 0);
    std::this_thread::sleep_for(5ms);
  }
  ::close(fds[1]);
  reader.join();
  ::dup2(saved_stdin, STDIN_FILENO);
  ::close(saved_stdin);
  EXPECT_EQ(error, "");
  std::vector<Job> jobs = Drain(q);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].origin.url, "http://example.com/a");
  EXPECT_EQ(jobs[1].origin.url, "http://b/");
}

TEST(ReadUrlsTest, StopWakesAReaderWaitingForInput) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const int saved_stdin = ::dup(STDIN_FILENO);
  ::dup2(fds[0], STDIN_FILENO);
  ::close(fds[0]);
  BoundedQueue<Job> q(16);
  std::stop_source stop;
  std::jthread reader([&] { Read({}, q, stop.get_token()); });
  std::this_thread::sleep_for(30ms);
  const auto before = std::chrono::steady_clock::now();
  stop.request_stop();
  reader.join();  // hangs forever if the stop does not reach poll()
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  ::dup2(saved_stdin, STDIN_FILENO);
  ::close(saved_stdin);
  ::close(fds[1]);
}

TEST(ReadUrlsTest, StopWakesAReaderBlockedOnAFullQueue) {
  std::string content;
  for (int i = 0; i < 100; ++i) content += "http://a/" + std::to_string(i) + "\n";
  const std::string path = TempFile(content);
  BoundedQueue<Job> q(2);
  std::stop_source stop;
  std::jthread reader([&] { Read({path}, q, stop.get_token()); });
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(q.size(), 2u) << "the reader applies back-pressure instead of reading ahead";
  stop.request_stop();
  reader.join();
  std::remove(path.c_str());
}

TEST(CheckInputsReadableTest, ReportsMissingFilesAndDirectories) {
  EXPECT_EQ(CheckInputsReadable({}).message(), "");
  EXPECT_EQ(CheckInputsReadable({"-"}).message(), "");
  EXPECT_EQ(CheckInputsReadable({"/nonexistent/list"}).message(),
            "cannot open '/nonexistent/list': No such file or directory");
  EXPECT_EQ(CheckInputsReadable({"/tmp"}).message(), "cannot read '/tmp': is a directory");
}

}  // namespace
}  // namespace fetchpool
