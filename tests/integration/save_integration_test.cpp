// -o end to end: the real binary against loopback servers, checking what lands on disk.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using testing::PercentEncode;
using testing::ProcessResult;
using testing::ReadFile;
using testing::RunProcess;
using testing::SplitLines;
using testing::Subprocess;
using testing::SubprocessOptions;
using testing::TempDir;
using testing::TestServer;
using testing::WriteFile;

// Answers 200 to any path, so hostile paths reach the naming code with a body to save. A `cd`
// query parameter becomes the Content-Disposition header verbatim.
// Thread-safety: construct and destroy on one thread; httplib serves on its own threads.
class CatchAllServer {
 public:
  CatchAllServer() {
    server_.set_keep_alive_timeout(1);
    server_.Get(R"([\s\S]*)", [](const httplib::Request& req, httplib::Response& res) {
      if (req.has_param("cd")) res.set_header("Content-Disposition", req.get_param_value("cd"));
      res.set_content("saved:" + req.path, "application/octet-stream");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~CatchAllServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(port_) + target;
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

std::string Pattern(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>('a' + i % 26);
  return out;
}

ProcessResult Fetchpool(std::vector<std::string> args, const std::vector<std::string>& urls,
                        std::vector<std::string> prefix = {}) {
  std::string input;
  for (const std::string& u : urls) input += u + "\n";
  prefix.push_back(FETCHPOOL_BINARY);
  prefix.insert(prefix.end(), args.begin(), args.end());
  return RunProcess(prefix, input, 10s);
}

class SaveIntegrationTest : public ::testing::Test {
 protected:
  std::string Dir() const { return tmp_ / "out"; }
  std::string Out(const std::string& name) const { return tmp_ / ("out/" + name); }
  // Everything in the scratch directory, so files written outside out/ would show too.
  std::vector<std::string> All() const { return tmp_.List(); }
  std::vector<std::string> Saved() const {
    std::vector<std::string> out;
    for (const std::string& e : tmp_.List()) {
      if (e.starts_with("out/")) out.push_back(e.substr(4));
    }
    return out;
  }

  TestServer server_;
  TempDir tmp_;
};

TEST_F(SaveIntegrationTest, HostilePathsStayInsideDir) {
  CatchAllServer hostile;
  const std::vector<std::string> urls = {
      hostile.url("/.."),
      hostile.url("/%2e%2e"),
      hostile.url("/%2e%2e%2f%2e%2e%2fescape1"),
      hostile.url("/a%2fb%2f..%2f..%2f..%2fescape2"),
      hostile.url("/%2fetc%2fpasswd"),
      hostile.url("/%5c..%5cescape3"),
      hostile.url("/.hidden"),
      hostile.url("/-rf"),
      hostile.url("/ctl%1b%5b31m%0a"),
      hostile.url("/" + std::string(3000, 'n') + ".txt"),
  };
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--mirror-paths"}}) {
    std::vector<std::string> args = {"-o", Dir(), "-w", "4"};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult r = Fetchpool(args, urls);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(SplitLines(r.out).size(), urls.size() + 1);
    std::size_t files = 0;
    for (const std::string& entry : All()) {
      ASSERT_TRUE(entry == "out" || entry.starts_with("out/")) << entry;
      std::string_view rest = std::string_view(entry).substr(entry == "out" ? 3 : 4);
      // Every component of every path: no hidden names, no dot directories, capped.
      for (std::size_t start = 0; start < rest.size();) {
        const auto slash = rest.find('/', start);
        const std::string_view part = rest.substr(start, slash - start);
        EXPECT_NE(part[0], '.') << entry;
        EXPECT_NE(part[0], '-') << entry;
        EXPECT_LE(part.size(), 200u) << entry;
        for (unsigned char c : part) EXPECT_GE(c, 0x20) << entry;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
      }
      struct stat st {};
      if (::lstat((tmp_ / entry).c_str(), &st) == 0 && S_ISREG(st.st_mode)) ++files;
    }
    EXPECT_EQ(files, urls.size()) << "one file per URL, none lost to a collision";
    std::filesystem::remove_all(Dir());
  }
}

TEST_F(SaveIntegrationTest, ExpectedNamesForTraversalAttempts) {
  CatchAllServer hostile;
  ProcessResult r = Fetchpool({"-o", Dir(), "-w", "1"},
                              {hostile.url("/%2e%2e%2f%2e%2e%2fescape1"),
                               hostile.url("/a%2fb%2f..%2fescape2"), hostile.url("/.hidden")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Saved(), (std::vector<std::string>{"___.._escape1", "_hidden", "a_b_.._escape2"}));
  EXPECT_EQ(ReadFile(Out("_hidden")), "saved:/.hidden");
}

TEST_F(SaveIntegrationTest, ContentDispositionIsReducedToASafeBasename) {
  CatchAllServer hostile;
  auto cd = [&](const std::string& path, const std::string& header) {
    return hostile.url(path + "?cd=" + PercentEncode(header));
  };
  ProcessResult r =
      Fetchpool({"-o", Dir(), "--content-disposition", "-w", "1"},
                {cd("/1", "attachment; filename=\"../../escape.sh\""),
                 cd("/2", "attachment; filename=\"/etc/passwd\""),
                 cd("/3", "attachment; filename*=UTF-8''..%2F..%2Fcaf%C3%A9.txt"),
                 cd("/4", "attachment; filename=\"..\\\\..\\\\win.ini\""),
                 cd("/5", "attachment; filename=\"..\""),  // nothing usable: the URL's name
                 server_.url("/content-disposition?name=" + PercentEncode("../x.bin"))});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Saved(),
            (std::vector<std::string>{"5", "café.txt", "escape.sh", "passwd", "win.ini", "x.bin"}));
  EXPECT_EQ(ReadFile(Out("x.bin")), "cd");
}

TEST_F(SaveIntegrationTest, SameNameInOneRunNeverOverwrites) {
  // Six different bodies under one name, fetched by two workers at once.
  std::vector<std::string> urls;
  for (int i = 0; i < 6; ++i) {
    urls.push_back(server_.url("/bytes?hex=3" + std::to_string(i)));
  }
  ProcessResult r = Fetchpool({"-o", Dir(), "-w", "2"}, urls);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Saved(), (std::vector<std::string>{"bytes", "bytes.1", "bytes.2", "bytes.3", "bytes.4",
                                               "bytes.5"}));
  std::string contents;
  for (const std::string& f : Saved()) contents += ReadFile(Out(f));
  std::sort(contents.begin(), contents.end());
  EXPECT_EQ(contents, "012345");  // every body kept once
  for (const std::string& line : SplitLines(r.out)) {
    if (line.starts_with("[OK]")) {
      EXPECT_NE(line.find(" -> " + Dir() + "/bytes"), std::string::npos);
    }
  }
}

TEST_F(SaveIntegrationTest, EveryOnExistsMode) {
  const std::string url = server_.url("/size/10");
  auto reset = [&] {
    std::filesystem::remove_all(Dir());
    std::filesystem::create_directories(Dir());
    WriteFile(Out("10"), "old");
  };

  reset();
  ProcessResult rename = Fetchpool({"-o", Dir()}, {url});
  EXPECT_EQ(rename.exit_code, 0);
  EXPECT_EQ(Saved(), (std::vector<std::string>{"10", "10.1"}));
  EXPECT_EQ(ReadFile(Out("10")), "old");
  EXPECT_EQ(ReadFile(Out("10.1")), std::string(10, 'x'));
  EXPECT_NE(rename.out.find("-> " + Out("10.1") + "\n"), std::string::npos) << rename.out;

  reset();
  server_.ResetCounters();
  ProcessResult skip = Fetchpool({"-o", Dir(), "--on-exists", "skip"}, {url});
  EXPECT_EQ(skip.exit_code, 0);
  EXPECT_NE(skip.out.find("[OK]   " + url + " (skipped: exists, "), std::string::npos) << skip.out;
  EXPECT_NE(skip.out.find("-> " + Out("10")), std::string::npos);
  EXPECT_EQ(server_.request_count(), 0u) << "skip must not download";
  EXPECT_EQ(ReadFile(Out("10")), "old");

  reset();
  ProcessResult overwrite = Fetchpool({"-o", Dir(), "--on-exists", "overwrite"}, {url, url});
  EXPECT_EQ(overwrite.exit_code, 0);
  // The old file is replaced; the second URL of the run does not replace the first.
  EXPECT_EQ(Saved(), (std::vector<std::string>{"10", "10.1"}));
  EXPECT_EQ(ReadFile(Out("10")), std::string(10, 'x'));

  reset();
  ProcessResult fail = Fetchpool({"-o", Dir(), "--on-exists", "fail"}, {url});
  EXPECT_EQ(fail.exit_code, 1);
  EXPECT_NE(fail.out.find("[FAIL] " + url + " ('" + Out("10") + "' already exists"),
            std::string::npos)
      << fail.out;
  EXPECT_EQ(ReadFile(Out("10")), "old");
  EXPECT_EQ(Saved(), std::vector<std::string>{"10"});
}

TEST_F(SaveIntegrationTest, FailedTransfersLeaveNothing) {
  ProcessResult r = Fetchpool(
      {"-o", Dir(), "--timeout", "1"},
      {server_.url("/truncated"), server_.url("/status/500"), server_.url("/stall-after-headers"),
       "http://127.0.0.1:" + std::to_string(testing::RefusedPort()) + "/refused",
       server_.url("/bytes?hex=41") + " sha256=" + std::string(64, '0'),
       server_.url("/size/5") + " contains=nothere"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(All(), std::vector<std::string>{"out"}) << r.out;
}

TEST_F(SaveIntegrationTest, CtrlCLeavesNothingBehind) {
  for (const bool resume : {false, true}) {
    std::vector<std::string> argv = {FETCHPOOL_BINARY, "-o", Dir()};
    if (resume) argv.push_back("-c");
    Subprocess proc = Subprocess::Start(argv);
    const std::string drip = server_.url("/drip?bytes=100000&interval_ms=5");
    proc.WriteStdin(drip + "\n" + drip + "\n");
    // Both transfers under way, a few bytes in.
    for (int i = 0; i < 400 && server_.in_flight() < 2; ++i) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(100ms);
    proc.Signal(SIGINT);
    ProcessResult r = proc.Wait(5s);
    EXPECT_EQ(r.exit_code, 130) << "signal " << r.term_signal << " timed out " << r.timed_out
                                << "\n"
                                << r.out << r.err;
    if (resume) {
      // --continue keeps what arrived for the next run, and never under a final name.
      EXPECT_EQ(Saved(), (std::vector<std::string>{".drip.1.part", ".drip.part"}));
    } else {
      EXPECT_EQ(All(), std::vector<std::string>{"out"});
    }
    ASSERT_TRUE(server_.WaitUntilIdle(5s));
    std::filesystem::remove_all(Dir());
  }
}

TEST_F(SaveIntegrationTest, ResumeWithAndWithoutRangeSupport) {
  const std::string full = Pattern(5000);
  std::filesystem::create_directories(Dir());
  WriteFile(Out(".5000.part"), full.substr(0, 3000));
  ProcessResult ranged =
      Fetchpool({"-o", Dir(), "-c", "--format", "jsonl"}, {server_.url("/range/5000")});
  EXPECT_EQ(ranged.exit_code, 0) << ranged.out << ranged.err;
  const auto record = nlohmann::json::parse(SplitLines(ranged.out).at(1));  // after "run"
  EXPECT_EQ(record["status"], 206);
  EXPECT_EQ(record["bytes"], 2000);  // only the rest travelled
  EXPECT_EQ(record["saved_to"], Out("5000"));
  EXPECT_EQ(ReadFile(Out("5000")), full);
  EXPECT_EQ(Saved(), std::vector<std::string>{"5000"});

  std::filesystem::remove_all(Dir());
  std::filesystem::create_directories(Dir());
  WriteFile(Out(".5000.part"), std::string(3000, '?'));
  ProcessResult whole = Fetchpool({"-o", Dir(), "-c"}, {server_.url("/norange/5000")});
  EXPECT_EQ(whole.exit_code, 0) << whole.out << whole.err;
  EXPECT_EQ(ReadFile(Out("5000")), full);
  EXPECT_EQ(Saved(), std::vector<std::string>{"5000"});
}

TEST_F(SaveIntegrationTest, ResumeAfterAFailedRunCompletesTheFile) {
  if (::access("/usr/bin/prlimit", X_OK) != 0) GTEST_SKIP() << "no prlimit";
  const std::string full = Pattern(5000);
  // First run: the file-size limit stops the write at 3000 bytes; -c keeps that prefix.
  ProcessResult first = Fetchpool({"-o", Dir(), "-c"}, {server_.url("/range/5000")},
                                  {"/usr/bin/prlimit", "--fsize=3000"});
  EXPECT_EQ(first.exit_code, 1) << first.out;
  EXPECT_NE(first.out.find("File too large"), std::string::npos) << first.out;
  EXPECT_EQ(Saved(), std::vector<std::string>{".5000.part"});
  EXPECT_EQ(ReadFile(Out(".5000.part")), full.substr(0, 3000));
  // Second run: only the rest travels.
  ProcessResult second = Fetchpool({"-o", Dir(), "-c"}, {server_.url("/range/5000")});
  EXPECT_EQ(second.exit_code, 0) << second.out;
  EXPECT_NE(second.out.find("(2.0KB, "), std::string::npos) << second.out;
  EXPECT_EQ(ReadFile(Out("5000")), full);
  EXPECT_EQ(Saved(), std::vector<std::string>{"5000"});
}

TEST_F(SaveIntegrationTest, ChecksumMatchAndMismatch) {
  // sha256("hello")
  const std::string good = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  ProcessResult r =
      Fetchpool({"-o", Dir(), "-w", "1"},
                {server_.url("/bytes?hex=68656c6c6f") + " sha256=" + good,
                 server_.url("/bytes?hex=68656c6c6f&bad") + " sha256=" + std::string(64, 'a')});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Saved(), std::vector<std::string>{"bytes"});
  EXPECT_EQ(ReadFile(Out("bytes")), "hello");
  EXPECT_NE(r.out.find("check sha256=" + std::string(64, 'a') + " failed"), std::string::npos);
}

TEST_F(SaveIntegrationTest, UnusableDirIsAUsageErrorBeforeAnyDownload) {
  WriteFile(tmp_ / "file", "x");
  for (const std::string& dir : {tmp_ / "file", tmp_ / "file/sub"}) {
    server_.ResetCounters();
    ProcessResult r = Fetchpool({"-o", dir}, {server_.url("/size/1")});
    EXPECT_EQ(r.exit_code, 2) << dir;
    EXPECT_NE(r.err.find("is not a directory"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(server_.request_count(), 0u);
  }
}

TEST_F(SaveIntegrationTest, ReadOnlyDirIsAUsageError) {
  // Root ignores permission bits, so use a read-only mount.
  const std::string dir = tmp_ / "ro";
  std::filesystem::create_directories(dir);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_RDONLY, "size=64k") != 0) {
    GTEST_SKIP() << "cannot mount a read-only tmpfs here";
  }
  ProcessResult r = Fetchpool({"-o", dir}, {server_.url("/size/1")});
  ::umount(dir.c_str());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not writable: Read-only file system"), std::string::npos) << r.err;
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(SaveIntegrationTest, FileSizeLimitFailsOnlyTheBigFile) {
  if (::access("/usr/bin/prlimit", X_OK) != 0) GTEST_SKIP() << "no prlimit";
  ProcessResult r =
      Fetchpool({"-o", Dir(), "-w", "1"}, {server_.url("/size/100000"), server_.url("/size/10")},
                {"/usr/bin/prlimit", "--fsize=50000"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("(cannot write '" + Out("100000") + "': File too large"), std::string::npos)
      << r.out;
  EXPECT_EQ(Saved(), std::vector<std::string>{"10"});
}

TEST_F(SaveIntegrationTest, DiskFullFailsWithTheRealReason) {
  const std::string dir = tmp_ / "small";
  std::filesystem::create_directories(dir);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k") != 0) {
    GTEST_SKIP() << "cannot mount a small tmpfs here";
  }
  ProcessResult r =
      Fetchpool({"-o", dir, "-w", "1"}, {server_.url("/size/1000000"), server_.url("/size/10")});
  const std::vector<std::string> left = tmp_.List();
  ::umount(dir.c_str());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("(cannot write '" + dir + "/1000000': No space left on device"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(left, (std::vector<std::string>{"small", "small/10"}));
}

TEST_F(SaveIntegrationTest, JsonAndCsvSayWhereTheFileWent) {
  ProcessResult json = Fetchpool({"-o", Dir(), "--json", "-w", "1"},
                                 {server_.url("/size/3"), server_.url("/status/404")});
  const std::vector<std::string> lines = SplitLines(json.out);
  ASSERT_EQ(lines.size(), 5u) << "run, two results, end, summary";
  EXPECT_EQ(nlohmann::json::parse(lines[1])["saved_to"], Out("3"));
  EXPECT_TRUE(nlohmann::json::parse(lines[2])["saved_to"].is_null());

  ProcessResult csv = Fetchpool({"-o", Dir(), "--format", "csv"}, {server_.url("/size/4")});
  const std::vector<std::string> rows = SplitLines(csv.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].find(",saved_to,skipped,warning,file,cached,change,") != std::string::npos);
  EXPECT_NE(rows[1].find("," + Out("4") + ",false,false,-,false,,"), std::string::npos);
  EXPECT_TRUE(rows[0].ends_with(
      ",column,duplicate_of,baseline,blocked_by,moved_to,upgraded_to,cert_expires,cert_days_left,"
      "cert_subject,cert_issuer,cert_chain_expires,cert_chain_days_left,cert_chain_subject,"
      "cert_sha256,address_index,address_count\r"));
}

TEST_F(SaveIntegrationTest, BadFlagsAreUsageErrors) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--on-exists", "skip"},
                                             {"--mirror-paths"},
                                             {"-c"},
                                             {"--content-disposition"},
                                             {"-o", Dir(), "--on-exists", "clobber"},
                                             {"-o", Dir(), "-c", "--content-disposition"},
                                             {"-o"}}) {
    ProcessResult r = Fetchpool(args, {});
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.out, "");
  }
}

}  // namespace
}  // namespace fetchpool
