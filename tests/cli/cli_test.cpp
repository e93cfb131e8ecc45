#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fetchpool/core/options.hpp"

namespace fetchpool {
namespace {

ParsedCommandLine Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "fetchpool");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

TEST(CliTest, Defaults) {
  ParsedCommandLine p = Parse({});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->pool.workers, 8);
  EXPECT_EQ(p.options->fetch.connect_timeout_s, 10.0);
  EXPECT_EQ(p.options->fetch.timeout_s, 0.0);
  EXPECT_EQ(p.options->fetch.stall_timeout_s, 30.0);
  EXPECT_EQ(p.options->fetch.max_redirects, 10);
  EXPECT_TRUE(p.options->input.files.empty());
}

TEST(CliTest, WorkersInEverySpellingPeopleUse) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"-w", "3"},
                                                                {"-w3"},
                                                                {"--workers", "3"},
                                                                {"--workers=3"},
                                                                {"-workers=3"},
                                                                {"-workers", "3"}}) {
    ParsedCommandLine p = Parse(args);
    ASSERT_TRUE(p.options) << args[0];
    EXPECT_EQ(p.options->pool.workers, 3) << args[0];
  }
}

TEST(CliTest, FilesAndDashAreInputsInOrder) {
  ParsedCommandLine p = Parse({"a.txt", "-", "b.txt"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->input.files, (std::vector<std::string>{"a.txt", "-", "b.txt"}));
}

TEST(CliTest, TimeoutsTakeFractionalSeconds) {
  ParsedCommandLine p = Parse({"--timeout", "2.5", "--connect-timeout=0.5"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->fetch.timeout_s, 2.5);
  EXPECT_EQ(p.options->fetch.connect_timeout_s, 0.5);
}

TEST(CliTest, BadValuesAreUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"-w", "0"},
                                                                {"-w", "1025"},
                                                                {"-w", "many"},
                                                                {"--timeout", "-1"},
                                                                {"--timeout", "nan"},
                                                                {"--timeout", "inf"},
                                                                {"--connect-timeout", "0"},
                                                                {"--color", "blue"},
                                                                {"--no-such-flag"},
                                                                {"-workers"}}) {
    ParsedCommandLine p = Parse(args);
    EXPECT_FALSE(p.options) << args[0];
    EXPECT_EQ(p.exit_code, 2) << args[0];
  }
}

TEST(CliTest, HelpAndVersionExitZero) {
  for (const char* flag : {"--help", "-h", "--version", "-V"}) {
    testing::internal::CaptureStdout();
    ParsedCommandLine p = Parse({flag});
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_FALSE(p.options);
    EXPECT_EQ(p.exit_code, 0);
    EXPECT_FALSE(out.empty());
  }
}

TEST(CliTest, ResilienceDefaults) {
  ParsedCommandLine p = Parse({});
  ASSERT_TRUE(p.options);
  const Options& o = *p.options;
  EXPECT_EQ(o.dispatch.retry.retries, 0);
  EXPECT_EQ(o.dispatch.retry.wait_s, 1.0);
  EXPECT_EQ(o.dispatch.retry.max_wait_s, 60.0);
  EXPECT_EQ(o.dispatch.per_host, 0);
  EXPECT_EQ(o.pool.rate_interval.count(), 0);
  EXPECT_EQ(o.fetch.max_size, 0u);
  EXPECT_EQ(o.dispatch.max_failures, 0);
  EXPECT_EQ(o.max_time_s, 0.0);
  EXPECT_TRUE(o.fetch.headers.empty());
  EXPECT_FALSE(o.fetch.user_agent);
  EXPECT_FALSE(o.fetch.head);
  EXPECT_FALSE(o.verdict.accept);
  EXPECT_TRUE(o.fetch.follow);
  EXPECT_FALSE(o.fetch.insecure);
  EXPECT_TRUE(o.fetch.proxy.empty());
  EXPECT_EQ(o.fetch.http_version, HttpVersion::kDefault);
}

TEST(CliTest, ResilienceOptions) {
  ParsedCommandLine p = Parse({"--retries", "3", "--retry-wait", "0.5", "--retry-max-wait=0",
                               "--per-host", "2", "--rate", "30/m", "--max-size", "10M",
                               "--max-failures", "5", "--max-time", "90", "urls.txt"});
  ASSERT_TRUE(p.options);
  const Options& o = *p.options;
  EXPECT_EQ(o.dispatch.retry.retries, 3);
  EXPECT_EQ(o.dispatch.retry.wait_s, 0.5);
  EXPECT_EQ(o.dispatch.retry.max_wait_s, 0.0);
  EXPECT_EQ(o.dispatch.per_host, 2);
  EXPECT_EQ(o.pool.rate_interval, std::chrono::seconds(2));
  EXPECT_EQ(o.fetch.max_size, 10u * 1024 * 1024);
  EXPECT_EQ(o.dispatch.max_failures, 5);
  EXPECT_EQ(o.max_time_s, 90.0);
  EXPECT_EQ(o.input.files, std::vector<std::string>{"urls.txt"});
}

TEST(CliTest, RequestOptionsInCurlSpelling) {
  ParsedCommandLine p = Parse({"-H", "X-One: 1", "--header", "X-Two: 2", "-A", "bot/1", "-u",
                               "me:secret", "--head", "--accept", "200-299,304", "--no-follow",
                               "-k", "--proxy", "http://127.0.0.1:3128", "--http1.1", "a.txt"});
  ASSERT_TRUE(p.options);
  const Options& o = *p.options;
  EXPECT_EQ(o.fetch.headers, (std::vector<std::string>{"X-One: 1", "X-Two: 2"}));
  EXPECT_EQ(o.fetch.user_agent, "bot/1");
  EXPECT_EQ(o.fetch.user, "me:secret");
  EXPECT_TRUE(o.fetch.head);
  ASSERT_TRUE(o.verdict.accept);
  EXPECT_TRUE(o.verdict.accept->Contains(304));
  EXPECT_FALSE(o.verdict.accept->Contains(302));
  EXPECT_FALSE(o.fetch.follow);
  EXPECT_TRUE(o.fetch.insecure);
  EXPECT_EQ(o.fetch.proxy, "http://127.0.0.1:3128");
  EXPECT_EQ(o.fetch.http_version, HttpVersion::kHttp11);
  EXPECT_EQ(o.input.files, std::vector<std::string>{"a.txt"}) << "-H takes one value, not the file";
}

TEST(CliTest, ARepeatableOptionTakesOneValuePerUseAsCurlsDoes) {
  ParsedCommandLine p =
      Parse({"-H", "X-One: 1", "a.txt", "--sitemap", "s.xml", "b.txt", "-H", "X-Two: 2", "c.txt"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->fetch.headers, (std::vector<std::string>{"X-One: 1", "X-Two: 2"}));
  EXPECT_EQ(p.options->input.sitemaps, std::vector<std::string>{"s.xml"});
  EXPECT_EQ(p.options->input.files, (std::vector<std::string>{"a.txt", "b.txt", "c.txt"}));
}

TEST(CliTest, EmptyUserAgentMeansNone) {
  ParsedCommandLine p = Parse({"-A", ""});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->fetch.user_agent, "");
}

TEST(CliTest, HeaderFormsCurlAccepts) {
  ParsedCommandLine p = Parse({"-H", "Accept:", "-H", "X-Empty;", "-H", "X-Colon: a:b"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->fetch.headers.size(), 3u);
}

TEST(CliTest, BadResilienceAndRequestValuesAreUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--retries", "-1"},
                                                                {"--retries", "many"},
                                                                {"--retry-wait", "-1"},
                                                                {"--retry-wait", "soon"},
                                                                {"--retry-max-wait", "inf"},
                                                                {"--per-host", "0"},
                                                                {"--rate", "0"},
                                                                {"--rate", "10/d"},
                                                                {"--rate", "fast"},
                                                                {"--max-size", "0"},
                                                                {"--max-size", "10T"},
                                                                {"--max-size", "big"},
                                                                {"--max-failures", "0"},
                                                                {"--max-time", "0"},
                                                                {"-H", "no colon"},
                                                                {"-H", ": value"},
                                                                {"-H", "Bad Name: x"},
                                                                {"-H", "X-A: 1\r\nX-B: 2"},
                                                                {"-A", "a\nb"},
                                                                {"-u", "nocolon"},
                                                                {"--accept", "200-"},
                                                                {"--accept", "ok"},
                                                                {"--cacert", "/no/such/file.pem"},
                                                                {"--proxy", "ftp://127.0.0.1"},
                                                                {"--proxy", ""},
                                                                {"--http1.1", "--http2"},
                                                                {"--head", "-o", "out"}}) {
    testing::internal::CaptureStderr();
    ParsedCommandLine p = Parse(args);
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_FALSE(p.options) << args[0] << " " << args.back();
    EXPECT_EQ(p.exit_code, 2) << args[0] << " " << args.back();
    EXPECT_NE(err.find("fetchpool: "), std::string::npos) << err;
  }
}

TEST(CliTest, HelpListsEveryNewOption) {
  testing::internal::CaptureStdout();
  Parse({"--help"});
  const std::string out = testing::internal::GetCapturedStdout();
  for (const char* name :
       {"--retries", "--retry-wait", "--retry-max-wait", "--per-host", "--rate", "--max-size",
        "--max-failures", "--max-time", "--header", "--user-agent", "--user", "--head", "--accept",
        "--no-follow", "--insecure", "--cacert", "--proxy", "--http1.1", "--http2"}) {
    EXPECT_NE(out.find(name), std::string::npos) << name;
  }
}

TEST(CliTest, VersionNamesLibcurl) {
  testing::internal::CaptureStdout();
  Parse({"--version"});
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("fetchpool "), std::string::npos);
  EXPECT_NE(out.find("libcurl "), std::string::npos);
}

TEST(CliTest, SavingIsOffUnlessAsked) {
  ParsedCommandLine p = Parse({});
  ASSERT_TRUE(p.options);
  EXPECT_TRUE(p.options->save.dir.empty());
  EXPECT_EQ(p.options->save.on_exists, OnExists::kRename);
}

TEST(CliTest, SaveFlags) {
  ParsedCommandLine p = Parse({"-o", "out", "--on-exists", "skip", "--mirror-paths", "-c"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->save.dir, "out");
  EXPECT_EQ(p.options->save.on_exists, OnExists::kSkip);
  EXPECT_TRUE(p.options->save.mirror_paths);
  EXPECT_TRUE(p.options->save.resume);
  EXPECT_FALSE(p.options->save.content_disposition);

  ParsedCommandLine q = Parse({"--output-dir=d", "--on-exists=overwrite", "--content-disposition"});
  ASSERT_TRUE(q.options);
  EXPECT_EQ(q.options->save.on_exists, OnExists::kOverwrite);
  EXPECT_TRUE(q.options->save.content_disposition);
  EXPECT_EQ(Parse({"-o", "d", "--on-exists", "fail"}).options->save.on_exists, OnExists::kFail);
}

TEST(CliTest, SaveFlagsWithoutADirOrInConflictAreUsageErrors) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--on-exists", "skip"},
                                             {"--mirror-paths"},
                                             {"-c"},
                                             {"--content-disposition"},
                                             {"-o", "d", "--on-exists", "clobber"},
                                             {"-o", "d", "-c", "--content-disposition"},
                                             {"-o", ""},
                                             {"-o"}}) {
    ParsedCommandLine p = Parse(args);
    EXPECT_FALSE(p.options) << args[0];
    EXPECT_EQ(p.exit_code, 2) << args[0];
  }
}

}  // namespace
}  // namespace fetchpool
