// BodySaver through a real Fetcher against the loopback server: in-process, so the sanitizer
// builds watch the write callback and the file handling directly.
#include "fetchpool/save/body_saver.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fetchpool/engine/worker_pool.hpp"
#include "fetchpool/http/curl_fetcher.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/save/output_dir.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using testing::ReadFile;
using testing::TempDir;
using testing::TestServer;
using testing::WriteFile;

// The body of /range/N and /norange/N: 'a' + i % 26.
std::string Pattern(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>('a' + i % 26);
  return out;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[md[i] >> 4];
    hex += kDigits[md[i] & 15];
  }
  return hex;
}

class BodySaverTest : public ::testing::Test {
 protected:
  // Fetches one input line (URL plus optional checks) with bodies saved into out/.
  Result Fetch(const std::string& line, std::stop_token stop = {}) {
    options_.dir = tmp_ / "out";
    const Status opened = OutputDir::Open(options_, &dir_);
    EXPECT_TRUE(opened.ok()) << opened.message();
    FetchOptions f;
    f.stall_timeout_s = 5;
    CurlFetcher fetcher(f, /*collect_details=*/false, {.output_dir = dir_.get()}, stop);
    std::optional<Job> job = SplitLine(line);
    if (job) ValidateJob(*job);
    EXPECT_TRUE(job && job->target.invalid.empty()) << line;
    return FetchAndJudge(fetcher, Judge(verdict_), *job, Method::kGet);
  }
  std::string Out(const std::string& name) const { return tmp_ / ("out/" + name); }
  std::vector<std::string> Files() const {
    std::vector<std::string> out;
    for (const std::string& entry : tmp_.List()) {
      if (entry != "out") out.push_back(entry.substr(4));
    }
    return out;
  }

  TestServer server_;
  TempDir tmp_;
  SaveOptions options_;
  VerdictOptions verdict_;
  std::unique_ptr<OutputDir> dir_;
};

TEST_F(BodySaverTest, SavesACompleteBody) {
  Result r = Fetch(server_.url("/size/1000"));
  ASSERT_TRUE(r.verdict.ok) << r.verdict.error;
  EXPECT_EQ(r.saved.path, Out("1000"));
  EXPECT_EQ(ReadFile(Out("1000")), std::string(1000, 'x'));
  EXPECT_EQ(Files(), std::vector<std::string>{"1000"});
}

TEST_F(BodySaverTest, EmptyBodyIsAnEmptyFile) {
  Result r = Fetch(server_.url("/size/0"));
  ASSERT_TRUE(r.verdict.ok) << r.verdict.error;
  EXPECT_EQ(Files(), std::vector<std::string>{"0"});
  EXPECT_EQ(ReadFile(Out("0")), "");
}

TEST_F(BodySaverTest, NameComesFromTheUrlNotTheRedirectTarget) {
  Result r = Fetch(server_.url("/redirect-to?url=/size/10"));
  ASSERT_TRUE(r.verdict.ok) << r.verdict.error;
  EXPECT_EQ(Files(), std::vector<std::string>{"redirect-to"});
  EXPECT_EQ(ReadFile(Out("redirect-to")), std::string(10, 'x'));
}

TEST_F(BodySaverTest, ErrorPagesAreNeverSaved) {
  Result r = Fetch(server_.url("/status/404"));
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_EQ(r.verdict.error, "HTTP 404");
  EXPECT_TRUE(r.saved.path.empty());
  // Even when a check makes the status ok: an error page is not a download.
  Result expected = Fetch(server_.url("/status/404") + " status=404");
  EXPECT_TRUE(expected.verdict.ok) << expected.verdict.error;
  EXPECT_TRUE(expected.saved.path.empty());
  EXPECT_TRUE(Files().empty());
}

TEST_F(BodySaverTest, TruncatedBodyLeavesNothing) {
  Result r = Fetch(server_.url("/truncated"));
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kTruncated);
  EXPECT_TRUE(Files().empty());
}

TEST_F(BodySaverTest, ChecksumMatchKeepsTheFileMismatchRemovesIt) {
  const std::string hello = "hello";
  Result good = Fetch(server_.url("/bytes?hex=68656c6c6f") + " sha256=" + Sha256Hex(hello));
  ASSERT_TRUE(good.verdict.ok) << good.verdict.error;
  EXPECT_EQ(ReadFile(Out("bytes")), hello);

  Result bad = Fetch(server_.url("/bytes?hex=68656c6c6f") + " sha256=" + Sha256Hex("other"));
  EXPECT_FALSE(bad.verdict.ok);
  EXPECT_EQ(bad.verdict.error_kind, ErrorKind::kCheckFailed);
  EXPECT_TRUE(bad.saved.path.empty());
  EXPECT_EQ(Files(), std::vector<std::string>{"bytes"});  // the good one only
}

TEST_F(BodySaverTest, AbortLeavesNothing) {
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(200ms);
    stop.request_stop();
  });
  Result r = Fetch(server_.url("/drip?bytes=1000&interval_ms=10"), stop.get_token());
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kAborted);
  EXPECT_TRUE(Files().empty());
}

TEST_F(BodySaverTest, ResumesWithARange) {
  options_.resume = true;
  const std::string full = Pattern(1000);
  ::mkdir(Out("").c_str(), 0755);
  WriteFile(Out(".1000.part"), full.substr(0, 400));
  Result r = Fetch(server_.url("/range/1000") + " status=200 sha256=" + Sha256Hex(full));
  ASSERT_TRUE(r.verdict.ok) << r.verdict.error;
  EXPECT_EQ(r.transfer.http_status, 206);
  EXPECT_EQ(r.transfer.bytes, 600u);
  EXPECT_EQ(ReadFile(Out("1000")), full);
  EXPECT_EQ(Files(), std::vector<std::string>{"1000"});
}

TEST_F(BodySaverTest, StartsOverWhenTheServerIgnoresTheRange) {
  options_.resume = true;
  ::mkdir(Out("").c_str(), 0755);
  WriteFile(Out(".1000.part"), std::string(400, '?'));
  Result r = Fetch(server_.url("/norange/1000"));
  ASSERT_TRUE(r.verdict.ok) << r.verdict.error;
  EXPECT_EQ(r.transfer.http_status, 200);
  EXPECT_EQ(ReadFile(Out("1000")), Pattern(1000));
  EXPECT_EQ(Files(), std::vector<std::string>{"1000"});
}

TEST_F(BodySaverTest, StartsOverWhenThePartialIsLongerThanTheFile) {
  options_.resume = true;
  ::mkdir(Out("").c_str(), 0755);
  WriteFile(Out(".1000.part"), std::string(2000, '?'));  // the server answers 416
  Result r = Fetch(server_.url("/range/1000"));
  ASSERT_TRUE(r.verdict.ok) << r.verdict.error;
  EXPECT_EQ(ReadFile(Out("1000")), Pattern(1000));
  EXPECT_EQ(Files(), std::vector<std::string>{"1000"});
}

TEST_F(BodySaverTest, ResumeKeepsTheValidPrefixOfABrokenTransfer) {
  options_.resume = true;
  Result r = Fetch(server_.url("/truncated"));
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kTruncated);
  EXPECT_EQ(Files(), std::vector<std::string>{".truncated.part"});
  EXPECT_EQ(ReadFile(Out(".truncated.part")).size(), 100u);
}

TEST_F(BodySaverTest, ResumeDropsAPartialThatFailsItsChecksum) {
  options_.resume = true;
  ::mkdir(Out("").c_str(), 0755);
  WriteFile(Out(".1000.part"), std::string(400, '?'));  // corrupt: the range completes it wrongly
  Result r = Fetch(server_.url("/range/1000") + " sha256=" + Sha256Hex(Pattern(1000)));
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kCheckFailed);
  EXPECT_TRUE(Files().empty());
}

TEST_F(BodySaverTest, ResumeLeavesNoEmptyPartialAfterAnError) {
  options_.resume = true;
  Result r = Fetch(server_.url("/status/503"));
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_TRUE(Files().empty());
}

TEST_F(BodySaverTest, ContentDispositionNameIsSanitised) {
  options_.content_disposition = true;
  Result r = Fetch(server_.url("/content-disposition?name=..%2F..%2Fescape.sh"));
  ASSERT_TRUE(r.verdict.ok) << r.verdict.error;
  EXPECT_EQ(r.saved.path, Out("escape.sh"));
  EXPECT_EQ(Files(), std::vector<std::string>{"escape.sh"});
  EXPECT_EQ(tmp_.List(), (std::vector<std::string>{"out", "out/escape.sh"}));
}

TEST_F(BodySaverTest, ContentDispositionSkipStopsTheTransfer) {
  options_.content_disposition = true;
  options_.on_exists = OnExists::kSkip;
  ::mkdir(Out("").c_str(), 0755);
  WriteFile(Out("taken.txt"), "old");
  Result r = Fetch(server_.url("/content-disposition?name=taken.txt"));
  ASSERT_TRUE(r.verdict.ok) << r.verdict.error;
  EXPECT_TRUE(r.saved.skipped);
  EXPECT_EQ(r.saved.path, Out("taken.txt"));
  EXPECT_EQ(ReadFile(Out("taken.txt")), "old");
  EXPECT_EQ(Files(), std::vector<std::string>{"taken.txt"});
}

TEST_F(BodySaverTest, MirrorRefusesASymlinkLeadingOut) {
  options_.mirror_paths = true;
  TempDir outside;
  ::mkdir(Out("").c_str(), 0755);
  const std::string host = "127.0.0.1:" + std::to_string(server_.port());
  ASSERT_EQ(::symlink(outside.path().c_str(), Out(host).c_str()), 0);
  Result r = Fetch(server_.url("/size/10"));
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kSaveFailed);
  EXPECT_NE(r.verdict.error.find("refusing to follow symbolic link"), std::string::npos)
      << r.verdict.error;
  EXPECT_TRUE(outside.List().empty());
}

TEST_F(BodySaverTest, MirrorKeepsHostAndPath) {
  options_.mirror_paths = true;
  Result r = Fetch(server_.url("/size/10"));
  ASSERT_TRUE(r.verdict.ok) << r.verdict.error;
  const std::string host = "127.0.0.1:" + std::to_string(server_.port());
  EXPECT_EQ(r.saved.path, Out(host + "/size/10"));
  EXPECT_EQ(ReadFile(Out(host + "/size/10")), std::string(10, 'x'));
}

}  // namespace
}  // namespace fetchpool
