// The --state guarantees, each against the real binary and a real SQLite file: kill -9 at any
// moment then --resume, two runs on one file, bad files left untouched, a full disk.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "state_test_util.hpp"
#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using testing::Count;
using testing::Has;
using testing::ProcessResult;
using testing::ReadFile;
using testing::RunWithState;
using testing::StateFile;
using testing::Subprocess;
using testing::TempDir;
using testing::TestServer;

class StateGuaranteesTest : public ::testing::Test {
 protected:
  std::string State() const { return dir_ / "state.db"; }
  std::string List(int n, const std::string& tag, int delay_ms) const {
    std::string input;
    for (int i = 0; i < n; ++i) {
      input +=
          server_.url("/delay/" + std::to_string(delay_ms) + "?" + tag + "=" + std::to_string(i)) +
          "\n";
    }
    return input;
  }
  TestServer server_;
  TempDir dir_;
};

// Starts a run on `input` (from a file, so a killed run and its resume read the same list).
Subprocess StartRun(const std::vector<std::string>& args) {
  testing::SubprocessOptions opts = testing::StateEnv();
  opts.stdin_pipe = false;
  return Subprocess::Start(testing::FetchpoolArgv(args), opts);
}

TEST_F(StateGuaranteesTest, KillNineAtRandomMomentsThenResumeFetchesEachUrlAtMostOnceMore) {
  std::mt19937 random(std::random_device{}());
  for (int round = 0; round < 4; ++round) {
    const std::string state = dir_ / ("kill" + std::to_string(round) + ".db");
    const std::string list = dir_ / ("list" + std::to_string(round) + ".txt");
    const int n = 400;
    testing::WriteFile(list, List(n, "k" + std::to_string(round), 25));  // >= 1.25 s a run
    server_.ResetCounters();
    Subprocess run = StartRun({"--state", state, "-w", "8", list});
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 600)(random)));
    run.Signal(SIGKILL);
    const ProcessResult killed = run.Wait(10s);
    ASSERT_EQ(killed.term_signal, SIGKILL) << "the run ended before the kill; round " << round;
    // A kill in the first milliseconds (slow under the sanitizers) may come before the file,
    // its schema (one transaction: all or nothing) or the run's row.
    std::int64_t started = 0;
    if (std::filesystem::exists(state)) {
      StateFile db(state);
      EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok") << "round " << round;
      if (db.Int("PRAGMA user_version") > 0) started = db.Int("SELECT count(*) FROM runs");
      if (started > 0) {
        EXPECT_EQ(db.Int("SELECT finished FROM runs ORDER BY id DESC LIMIT 1"), 0);
      }
    }
    ProcessResult resumed = RunWithState({"--state", state, "--resume", "-w", "8", list}, "");
    EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_TRUE(Has(resumed.out, "Summary: 400 total, 400 ok, 0 failed")) << resumed.out;
    std::map<std::string, int> fetched;
    for (const std::string& path : server_.request_paths()) ++fetched[path];
    EXPECT_EQ(fetched.size(), static_cast<std::size_t>(n)) << "every URL fetched at least once";
    for (const auto& [path, count] : fetched) EXPECT_LE(count, 2) << path;
    StateFile db(state);
    EXPECT_EQ(db.Int("SELECT count(*) FROM runs"), 1) << "the run was continued, not restarted";
    EXPECT_EQ(db.Int("SELECT finished + resumes * 10 FROM runs"), started > 0 ? 11 : 1);
    EXPECT_EQ(db.Int("SELECT count(*) FROM results"), n);
  }
}

TEST_F(StateGuaranteesTest, ResumeAfterSigtermAndMaxTimeReportsTheWholeList) {
  const std::string list = dir_ / "list.txt";
  // Four instant URLs first: even a slow (sanitized) start finishes some before the cut.
  testing::WriteFile(list, List(4, "fast", 0) + List(56, "t", 50));
  ProcessResult cut = RunWithState({"--state", State(), "-w", "2", "--max-time", "0.5", list}, "");
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_EQ(StateFile(State()).Int("SELECT finished FROM runs"), 0);
  server_.ResetCounters();
  ProcessResult resumed = RunWithState({"--state", State(), "--resume", "-w", "8", list}, "");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(Has(resumed.out, "Summary: 60 total, 60 ok")) << resumed.out;
  EXPECT_LT(server_.request_count(), 60u) << "what the first run finished was not fetched again";
  EXPECT_TRUE(Has(resumed.out, "ms, cached)")) << resumed.out;
  // Finished now: another --resume is an ordinary run.
  server_.ResetCounters();
  ProcessResult again = RunWithState({"--state", State(), "--resume", "-w", "8", list}, "");
  EXPECT_EQ(server_.request_count(), 60u);
  EXPECT_EQ(StateFile(State()).Int("SELECT count(*) FROM runs"), 2);

  Subprocess run = StartRun({"--state", State(), "-w", "2", list});
  std::this_thread::sleep_for(300ms);
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(10s).exit_code, 143);
  ProcessResult after_term = RunWithState({"--state", State(), "--resume", list}, "");
  EXPECT_TRUE(Has(after_term.out, "Summary: 60 total, 60 ok")) << after_term.out;
}

TEST_F(StateGuaranteesTest, ResumeRefusesADifferentList) {
  const std::string list = dir_ / "list.txt";
  testing::WriteFile(list, List(40, "d", 50));
  RunWithState({"--state", State(), "-w", "2", "--max-time", "0.3", list}, "");
  ProcessResult other_file = RunWithState({"--state", State(), "--resume", "-"}, "x\n");
  EXPECT_EQ(other_file.exit_code, 2);
  EXPECT_TRUE(Has(other_file.err, "--resume")) << other_file.err;
  testing::WriteFile(list, List(40, "changed", 50));
  server_.ResetCounters();
  ProcessResult changed = RunWithState({"--state", State(), "--resume", list}, "");
  EXPECT_EQ(changed.exit_code, 2) << changed.out;
  EXPECT_TRUE(Has(changed.err, "differs from the unfinished run's list")) << changed.err;
}

TEST_F(StateGuaranteesTest, ASecondRunOnTheSameFileWaitsBrieflyThenExitsTwo) {
  const std::string slow = server_.url("/delay/4000");
  const std::string list = dir_ / "slow.txt";
  testing::WriteFile(list, slow + "\n");
  Subprocess holder = StartRun({"--state", State(), list});
  ASSERT_TRUE(testing::Eventually([&] { return server_.request_count() >= 1; }, 10s));
  const auto start = std::chrono::steady_clock::now();
  ProcessResult second = RunWithState({"--state", State(), list}, "");
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_TRUE(Has(second.err, "in use by another fetchpool run")) << second.err;
  EXPECT_GE(waited, 1500ms);
  EXPECT_EQ(server_.request_count(), 1u) << "the second run fetched nothing";
  const ProcessResult done = holder.Wait(20s);
  EXPECT_EQ(done.exit_code, 0) << done.err;
  StateFile db(State());
  EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(db.Int("SELECT count(*) FROM runs"), 1) << "the second run wrote nothing";
  EXPECT_EQ(db.Int("SELECT count(*) FROM results"), 1);
}

class BadStateFileTest : public StateGuaranteesTest {
 protected:
  void ExpectRefusedUnchanged(const std::string& path, const std::string& message) {
    const std::string before = ReadFile(path);
    ProcessResult r = RunWithState({"--state", path}, server_.url("/size/1") + "\n");
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(Has(r.err, message)) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(server_.request_count(), 0u) << "nothing is fetched";
    EXPECT_TRUE(ReadFile(path) == before) << "the file is byte-for-byte unchanged";
  }
};

TEST_F(BadStateFileTest, RandomBytes) {
  std::string noise(64 * 1024, '\0');
  std::mt19937 random(7);
  for (char& c : noise) c = static_cast<char>(random());
  testing::WriteFile(State(), noise);
  ExpectRefusedUnchanged(State(), "not a fetchpool state file");
}

TEST_F(BadStateFileTest, AnotherProgramsDatabase) {
  testing::ExecSql(State(), "CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES('mine');");
  ExpectRefusedUnchanged(State(), "another program");
}

TEST_F(BadStateFileTest, ANewerSchemaVersion) {
  RunWithState({"--state", State()}, "");
  testing::ExecSql(State(), "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;");
  server_.ResetCounters();
  ExpectRefusedUnchanged(State(), "newer fetchpool");
}

TEST_F(BadStateFileTest, AReadOnlyFile) {
  RunWithState({"--state", State()}, "");
  std::filesystem::permissions(
      State(), std::filesystem::perms::owner_read | std::filesystem::perms::group_read);
  ExpectRefusedUnchanged(State(), "read-only");
}

TEST_F(BadStateFileTest, AnUnwritablePath) {
  for (const std::string& path :
       {dir_ / "missing-dir/state.db", dir_.path(), std::string("/proc/version/state.db")}) {
    ProcessResult r = RunWithState({"--state", path}, server_.url("/size/1") + "\n");
    EXPECT_EQ(r.exit_code, 2) << path << r.out;
    EXPECT_TRUE(Has(r.err, "state")) << r.err;
  }
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(StateGuaranteesTest, ADiskFullMidRunKeepsTheOutputGoingSaysSoOnceAndFails) {
  const std::string mnt = dir_ / "small";
  std::filesystem::create_directory(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=192k") != 0) {
    GTEST_SKIP() << "cannot mount a small tmpfs (needs root)";
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  std::string input;
  const std::string pad(1500, 'p');
  const int n = 400;
  for (int i = 0; i < n; ++i) input += server_.url("/size/1?" + std::to_string(i) + pad) + "\n";
  ProcessResult r = RunWithState({"--state", mnt + "/state.db", "-w", "4"}, input);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(Count(r.out, "[OK]"), static_cast<std::size_t>(n)) << "the output carries on";
  EXPECT_TRUE(Has(r.out, "400 total, 400 ok")) << r.out.substr(r.out.size() - 200);
  EXPECT_EQ(Count(r.err, "could not be written"), 1u) << r.err;
}

}  // namespace
}  // namespace fetchpool
