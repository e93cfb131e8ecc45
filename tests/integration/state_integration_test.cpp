// --state with the real binary against the loopback server and a real SQLite file: what is
// recorded, "change", --max-cache-age, --fail-after, byte-exact URLs and schema migration.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fetchpool/state/state_schema.hpp"
#include "fetchpool/state/url_key.hpp"
#include "state_test_util.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace fetchpool {
namespace {

using testing::Has;
using testing::LineOf;
using testing::ProcessResult;
using testing::RunWithState;
using testing::StateFile;
using testing::TempDir;
using testing::TestServer;

class StateTest : public ::testing::Test {
 protected:
  std::string State() const { return dir_ / "state.db"; }
  TestServer server_;
  TempDir dir_;
};

std::size_t CountOf(const std::vector<std::string>& paths, const std::string& path) {
  return static_cast<std::size_t>(std::count(paths.begin(), paths.end(), path));
}

TEST_F(StateTest, RecordsTheRunEachResultAndEachUrlsHistory) {
  const std::string ok = server_.url("/size/10");
  const std::string missing = server_.url("/status/404");
  ProcessResult r = RunWithState({"--state", State()}, ok + "\n" + missing + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  StateFile db(State());
  EXPECT_EQ(db.Int("PRAGMA user_version"), kStateSchemaVersion);
  EXPECT_EQ(db.Text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(db.Int("SELECT count(*) FROM runs"), 1);
  EXPECT_EQ(db.Int("SELECT finished FROM runs"), 1);
  EXPECT_EQ(db.Int("SELECT total FROM runs"), 2);
  EXPECT_EQ(db.Int("SELECT failed FROM runs"), 1);
  EXPECT_GT(db.Int("SELECT ended_at - started_at + 1 FROM runs"), 0);
  EXPECT_TRUE(Has(db.Text("SELECT arguments FROM runs"), "--state"));
  EXPECT_EQ(db.Int("SELECT count(*) FROM results"), 2);
  EXPECT_EQ(db.Int("SELECT status FROM results WHERE seq = 1"), 404);
  EXPECT_EQ(db.Int("SELECT bytes FROM results WHERE seq = 0"), 10);
  EXPECT_EQ(db.Int("SELECT fail_streak FROM urls WHERE url = CAST('" + missing + "' AS BLOB)"), 1);
  EXPECT_EQ(db.Int("SELECT last_ok IS NOT NULL FROM urls WHERE url = CAST('" + ok + "' AS BLOB)"),
            1);
  EXPECT_TRUE(Has(r.out, "1 new failure, 0 recovered")) << r.out;
}

TEST_F(StateTest, AUrlTwiceInANewListIsOneUrlWithTwoResults) {
  // Both lines are new when read; the writer must find the row the first one added.
  const std::string twice = server_.url("/size/5");
  const std::string other = server_.url("/size/6");
  ProcessResult r =
      RunWithState({"--state", State(), "-w", "1"}, twice + "\n" + other + "\n" + twice + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  StateFile db(State());
  EXPECT_EQ(db.Int("SELECT count(*) FROM urls"), 2);
  EXPECT_EQ(db.Int("SELECT count(*) FROM results"), 3);
  EXPECT_EQ(db.Int("SELECT count(DISTINCT url_id) FROM results"), 2);
  EXPECT_EQ(db.Int("SELECT count(*) FROM results r JOIN urls u ON u.id = r.url_id WHERE u.url = "
                   "CAST('" +
                   twice + "' AS BLOB)"),
            2);
}

TEST_F(StateTest, ChangeSaysNewStillFailingAndRecovered) {
  const std::string flaky = server_.url("/flaky?key=change&fails=1");
  const std::string gone = server_.url("/status/404");
  const std::string input = flaky + "\n" + gone + "\n";
  ProcessResult first = RunWithState({"--state", State()}, input);
  EXPECT_TRUE(LineOf(first.out, flaky).ends_with(", new)")) << first.out;
  EXPECT_TRUE(LineOf(first.out, gone).ends_with(", new)")) << first.out;
  EXPECT_TRUE(Has(first.out, "2 new failures, 0 recovered")) << first.out;

  ProcessResult second = RunWithState({"--state", State()}, input);
  EXPECT_TRUE(LineOf(second.out, flaky).starts_with("[OK]")) << second.out;
  EXPECT_TRUE(LineOf(second.out, flaky).ends_with(", recovered)")) << second.out;
  EXPECT_TRUE(Has(LineOf(second.out, gone), ", failing since 20")) << second.out;
  EXPECT_TRUE(LineOf(second.out, gone).ends_with(", 2 runs)")) << second.out;
  EXPECT_TRUE(Has(second.out, "0 new failures, 1 recovered")) << second.out;

  ProcessResult json = RunWithState({"--state", State(), "--json"}, input);
  EXPECT_TRUE(Has(json.out, R"("change":"still_failing")")) << json.out;
  EXPECT_TRUE(Has(json.out, R"("change":null)")) << json.out;  // ok twice: nothing changed
  EXPECT_TRUE(Has(json.out, R"("new_failures":0,"recovered":0)")) << json.out;
}

TEST_F(StateTest, MaxCacheAgeAnswersRecentOksWithoutFetchingButNeverFailures) {
  const std::string ok = server_.url("/size/100");
  const std::string gone = server_.url("/status/500");
  const std::string input = ok + "\n" + gone + "\n";
  RunWithState({"--state", State()}, input);
  server_.ResetCounters();
  ProcessResult r = RunWithState({"--state", State(), "--max-cache-age", "1h"}, input);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(LineOf(r.out, ok), "[OK]   " + ok + " (0.1KB, 0ms, cached)") << r.out;
  EXPECT_TRUE(LineOf(r.out, gone).starts_with("[FAIL]")) << r.out;
  const std::vector<std::string> paths = server_.request_paths();
  EXPECT_EQ(CountOf(paths, "/size/100"), 0u);
  EXPECT_EQ(CountOf(paths, "/status/500"), 1u) << "failures are never cached";

  ProcessResult json = RunWithState({"--state", State(), "--max-cache-age", "30m", "--json"}, ok);
  EXPECT_TRUE(Has(json.out, R"("ok":true)")) << json.out;
  EXPECT_TRUE(Has(json.out, R"("cached":true)")) << json.out;
  EXPECT_EQ(StateFile(State()).Int("SELECT count(*) FROM results WHERE cached = 1"), 2);
}

TEST_F(StateTest, MaxCacheAgeFetchesWhenTheChecksDifferOrTheResultIsOld) {
  const std::string ok = server_.url("/size/5");
  RunWithState({"--state", State()}, ok + "\n");
  server_.ResetCounters();
  RunWithState({"--state", State(), "--max-cache-age", "1h"}, ok + "  status=200\n");
  EXPECT_EQ(server_.request_count(), 1u) << "other checks: judged afresh";
  RunWithState({"--state", State(), "--max-cache-age", "1h"}, ok + " status=200\n");
  EXPECT_EQ(server_.request_count(), 1u) << "the same checks (spacing aside): cached";
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  RunWithState({"--state", State(), "--max-cache-age", "1s"}, ok + " status=200\n");
  EXPECT_EQ(server_.request_count(), 2u) << "older than DURATION: fetched";
}

TEST_F(StateTest, FailAfterWarnsUntilTheNthFailingRunInARow) {
  const std::string gone = server_.url("/status/503");
  ProcessResult first = RunWithState({"--state", State(), "--fail-after", "2"}, gone + "\n");
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_TRUE(LineOf(first.out, gone).starts_with("[WARN] ")) << first.out;
  EXPECT_TRUE(Has(first.out, "0 failed, 1 warned")) << first.out;
  ProcessResult json = RunWithState({"--state", State(), "--fail-after", "3", "--json"}, gone);
  EXPECT_EQ(json.exit_code, 0) << json.out;
  EXPECT_TRUE(Has(json.out, R"("warning":true)")) << json.out;
  ProcessResult third = RunWithState({"--state", State(), "--fail-after", "3"}, gone + "\n");
  EXPECT_EQ(third.exit_code, 1) << third.out;
  EXPECT_TRUE(LineOf(third.out, gone).starts_with("[FAIL] ")) << third.out;
  EXPECT_TRUE(LineOf(third.out, gone).ends_with(", 3 runs)")) << third.out;
  // N = 1 is the behaviour without the flag.
  ProcessResult plain = RunWithState({"--state", State()}, server_.url("/status/404") + "\n");
  EXPECT_EQ(plain.exit_code, 1);
}

TEST_F(StateTest, FailAfterWarningsDoNotTripMaxFailures) {
  std::string input;
  for (int i = 0; i < 5; ++i) input += server_.url("/status/500?i=" + std::to_string(i)) + "\n";
  input += server_.url("/size/1") + "\n";
  ProcessResult r = RunWithState(
      {"--state", State(), "--fail-after", "2", "--max-failures", "1", "-w", "1"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "6 total, 1 ok, 0 failed, 5 warned")) << r.out;
}

TEST_F(StateTest, FlagsNeedState) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--max-cache-age", "1h"}, {"--fail-after", "2"}, {"--resume"}}) {
    ProcessResult r = RunWithState(args, "");
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_TRUE(Has(r.err, "--state")) << r.err;
  }
  ProcessResult bad = RunWithState({"--state", State(), "--max-cache-age", "5y"}, "");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Has(bad.err, "not a duration")) << bad.err;
}

TEST_F(StateTest, AwkwardUrlsRoundTripByteForByte) {
  const std::vector<std::string> urls = {
      server_.url("/size/1?q=\"quoted\"&s='single'"),
      server_.url("/size/1?back=\\slash\\"),
      server_.url("/size/1?pct=%41%2F%00%25"),
      server_.url("/size/1?utf8=\xff\xfe\xc3"),
      server_.url("/size/1?long=" + std::string(64 * 1024 - 200, 'L')),
  };
  std::string input;
  for (const std::string& u : urls) input += u + "\n";
  // The loopback server refuses the 64 KiB one (its URI limit): a failure, which is recorded
  // and matched just the same.
  ProcessResult first = RunWithState({"--state", State()}, input);
  ASSERT_TRUE(Has(first.out, "5 total, 4 ok, 1 failed")) << first.err;
  {
    StateFile db(State());
    std::vector<std::string> stored = db.Bytes("SELECT url FROM urls ORDER BY id");
    std::vector<std::string> expected = urls;
    std::sort(stored.begin(), stored.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_TRUE(stored == expected);
  }
  server_.ResetCounters();
  ProcessResult cached = RunWithState({"--state", State(), "--max-cache-age", "1h"}, input);
  EXPECT_TRUE(Has(cached.out, "5 total, 4 ok, 1 failed")) << cached.err;
  // (The server counts only requests its handlers see, so the refused long one is not counted.)
  EXPECT_EQ(server_.request_count(), 0u) << "every ok URL matched itself exactly";
  StateFile db(State());
  EXPECT_EQ(db.Int("SELECT count(*) FROM urls"), 5);
  EXPECT_EQ(db.Int("SELECT max(fail_streak) FROM urls"), 2) << "the long one matched itself";
  EXPECT_EQ(db.Int("SELECT max(length(url)) FROM urls"), static_cast<std::int64_t>(urls[4].size()));
}

std::int64_t StreakOf(const StateFile& db, const std::string& url) {
  return db.Int("SELECT fail_streak FROM urls WHERE url = CAST('" + url + "' AS BLOB)");
}

TEST_F(StateTest, AListInAnotherOrderStillFindsEachUrlsOwnHistory) {
  // The reader first tries the row after its last hit; a wrong guess must fall back to the key.
  const std::string a = server_.url("/status/404?a"), b = server_.url("/status/404?b");
  const std::string c = server_.url("/status/404?c"), d = server_.url("/status/404?d");
  ASSERT_EQ(RunWithState({"--state", State()}, a + "\n" + b + "\n" + c + "\n").exit_code, 1);
  ASSERT_EQ(RunWithState({"--state", State()}, a + "\n" + c + "\n" + b + "\n" + a + "\n").exit_code,
            1);
  ProcessResult r = RunWithState({"--state", State()}, d + "\n" + b + "\n" + c + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  StateFile db(State());
  EXPECT_EQ(db.Int("SELECT count(*) FROM urls"), 4);
  EXPECT_EQ(StreakOf(db, a), 2);
  EXPECT_EQ(StreakOf(db, b), 3);
  EXPECT_EQ(StreakOf(db, c), 3);
  EXPECT_EQ(StreakOf(db, d), 1);
}

TEST_F(StateTest, RowsSharingAKeyAreToldApartByTheirBytes) {
  // Another URL under the same 64-bit key, made by hand (a real FNV-1a collision is hard to
  // find) and first in the index: the lookup and the writer must still pick `a` by its bytes.
  const std::string a = server_.url("/status/404?a");
  ASSERT_EQ(RunWithState({"--state", State()}, a + "\n").exit_code, 1);
  testing::ExecSql(State(),
                   "INSERT INTO urls(id, url_key, url, first_seen, last_result_ok, "
                   "fail_streak) VALUES(-1, " +
                       std::to_string(UrlKey(a)) + ", x'00ff', 1, 0, 9);");
  ProcessResult r = RunWithState({"--state", State()}, a + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Has(r.out, "2 runs)")) << r.out;
  StateFile db(State());
  EXPECT_EQ(db.Int("SELECT count(*) FROM urls"), 2);
  EXPECT_EQ(StreakOf(db, a), 2);
  EXPECT_EQ(db.Int("SELECT fail_streak FROM urls WHERE id = -1"), 9);
}

// What versions 1 to 3 wrote: the tables (2 adds results_by_url, 3 keys URLs by url_key), one
// failing URL.
std::string OldState(const std::string& url, int version) {
  const std::string key =
      version >= 3 ? "url_key INTEGER NOT NULL, url BLOB NOT NULL" : "url BLOB NOT NULL UNIQUE";
  const std::string key_value = version >= 3 ? std::to_string(UrlKey(url)) + ", " : "";
  return R"sql(
    CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, ended_at INTEGER,
      arguments TEXT NOT NULL, inputs TEXT NOT NULL, finished INTEGER NOT NULL DEFAULT 0,
      resumes INTEGER NOT NULL DEFAULT 0, total INTEGER, ok INTEGER, failed INTEGER,
      warned INTEGER);
    CREATE TABLE urls(id INTEGER PRIMARY KEY, )sql" +
         key + R"sql(,
      first_seen INTEGER NOT NULL, last_checked INTEGER, last_ok INTEGER,
      last_result_ok INTEGER, fail_streak INTEGER NOT NULL DEFAULT 0, failing_since INTEGER,
      checks INTEGER NOT NULL DEFAULT 0, status INTEGER, bytes INTEGER);
    CREATE TABLE results(run_id INTEGER NOT NULL, seq INTEGER NOT NULL, url_id INTEGER NOT NULL,
      line INTEGER NOT NULL, checked_at INTEGER NOT NULL, ok INTEGER NOT NULL,
      warning INTEGER NOT NULL, cached INTEGER NOT NULL, status INTEGER,
      bytes INTEGER NOT NULL, ms INTEGER NOT NULL, attempts INTEGER NOT NULL, error TEXT,
      error_kind TEXT, change TEXT, PRIMARY KEY(run_id, seq)) WITHOUT ROWID;
    INSERT INTO runs(id, started_at, arguments, inputs, finished) VALUES(1, 1, '', '["-"]', 1);
    INSERT INTO urls(id, )sql" +
         (version >= 3 ? "url_key, " : "") + R"sql(url, first_seen, last_checked,
      last_result_ok, fail_streak, failing_since) VALUES(7, )sql" +
         key_value + "CAST('" + url + R"sql(' AS BLOB), 1, 1, 0, 4, 86400000);
    INSERT INTO results VALUES(1, 0, 7, 1, 1, 0, 0, 0, 404, 0, 1, 1, 'HTTP 404', 'http', NULL);
    )sql" +
         (version >= 2 ? "CREATE INDEX results_by_url ON results(url_id, run_id);" : "") +
         (version >= 3 ? "CREATE INDEX urls_by_key ON urls(url_key);" : "") +
         "PRAGMA application_id = 1179677556; PRAGMA user_version = " + std::to_string(version) +
         ";";
}

TEST_F(StateTest, OlderSchemasAreMigrated) {
  const std::string url = server_.url("/status/404");
  for (int version : {1, 2, 3}) {
    SCOPED_TRACE(version);
    TempDir dir;
    const std::string state = dir / "state.db";
    testing::ExecSql(state, OldState(url, version));
    ProcessResult r = RunWithState({"--state", state}, url + "\n");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Has(r.out, "failing since 1970-01-02, 5 runs)")) << r.out;
    StateFile db(state);
    EXPECT_EQ(db.Int("PRAGMA user_version"), kStateSchemaVersion);
    EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
    // Version 4 indexes only failures by URL; a URL's failures are still found without a scan.
    EXPECT_EQ(db.Int("SELECT count(*) FROM sqlite_schema WHERE name = 'results_by_url'"), 0);
    EXPECT_EQ(db.Int("SELECT count(*) FROM results WHERE url_id = 7 AND NOT ok"), 2);
    const std::vector<std::string> plan =
        db.Bytes("EXPLAIN QUERY PLAN SELECT run_id FROM results WHERE url_id = 7 AND NOT ok", 3);
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_TRUE(Has(plan[0], "results_failed_by_url")) << plan[0];
    EXPECT_EQ(db.Int("SELECT count(*) FROM sqlite_schema WHERE name = 'urls_by_key'"), 1);
    // Version 3 keys URLs by url_key; the row kept its id, so old results still point at it.
    EXPECT_EQ(db.Int("SELECT count(*) FROM urls"), 1);
    EXPECT_EQ(db.Int("SELECT url_key FROM urls WHERE id = 7"), UrlKey(url));
    EXPECT_EQ(db.Int("SELECT fail_streak FROM urls WHERE id = 7"), 5);
    EXPECT_EQ(db.Int("SELECT count(*) FROM results WHERE url_id = 7"), 2);
  }
}

}  // namespace
}  // namespace fetchpool
