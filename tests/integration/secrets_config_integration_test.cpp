// --config FILE from a user's side: hostile and broken files are one line on stderr and exit 2
// with nothing fetched and no file touched; state files written before schema 5 lose the
// secrets earlier versions stored in them.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "fetchpool/state/state_schema.hpp"
#include "state_test_util.hpp"
#include "support/secrets_integration.hpp"

namespace fetchpool::testing {
namespace {

class ConfigFileTest : public SecretsTest {
 protected:
  // Runs with `config` and every output a run can write, expecting exit 2 before any of it.
  std::string Refused(const std::string& config_text,
                      std::vector<std::pair<std::string, std::string>> env = {}) {
    const std::string config = dir_.Write("c.toml", config_text);
    const std::string out = dir_ / "run";
    const ProcessResult r = Run({"--config", config, "--state", out + ".db", "--junit",
                                 out + ".xml", "--html", out + ".html", "-o", out + "-dir"},
                                At("127.0.0.1", "/size/1") + "\n", std::move(env));
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(Count(r.err, "\n"), 1u) << r.err;
    EXPECT_EQ(server_.request_count(), 0u);
    EXPECT_EQ(dir_.List(), std::vector<std::string>{"c.toml"});  // nothing created
    return r.err;
  }
};

TEST_F(ConfigFileTest, HostileFilesAreAClearExit2) {
  const std::string c = dir_ / "c.toml";
  EXPECT_TRUE(
      Has(Refused("[hosts.\"api.github.com\"]\nheaders = [\"X-A: 1\""), "fetchpool: " + c + ":2:"));
  EXPECT_EQ(Refused("per-host = \"4\"\n"),
            "fetchpool: " + c + ":1: per-host: expected an integer from 1 to 1024, got a string\n");
  EXPECT_EQ(Refused("x = " + std::string(500000, '[') + std::string(500000, ']')),
            "fetchpool: " + c + ":1: brackets nested more than 32 levels deep\n");
  std::string dotted = "[a";
  for (int i = 0; i < 500000; ++i) dotted += ".a";
  EXPECT_EQ(Refused(dotted + "]\n"),
            "fetchpool: " + c + ":1: a dotted key of more than 32 parts\n");
  EXPECT_TRUE(Has(Refused("user = \"a:\xc3\x28\"\n"), c + ":1:"));
  EXPECT_TRUE(Has(Refused(std::string("\0\1\2garbage", 10)), c + ":1:"));
  EXPECT_EQ(Refused("[hosts.\"example.com:443\"]\n"),
            "fetchpool: " + c +
                ":1: [hosts.\"example.com:443\"]: expected a host name without a port (a "
                "section applies to every port of its host)\n");
  EXPECT_EQ(Refused("[hosts.\"a.example\"]\nretries = 3\n").substr(0, 60),
            ("fetchpool: " + c + ":2: [hosts.\"a.example\"] retries: unknown key").substr(0, 60));
}

TEST_F(ConfigFileTest, AMissingVariableIsNamedBeforeAnythingIsFetched) {
  EXPECT_EQ(Refused("[hosts.\"api.github.com\"]\n\nheaders = [\"Authorization: Bearer "
                    "${GITHUB_TOKEN_FOR_TEST}\"]\n"),
            "fetchpool: " + dir_ / "c.toml" +
                ":3: [hosts.\"api.github.com\"] headers: environment variable "
                "GITHUB_TOKEN_FOR_TEST is not set\n");
  EXPECT_TRUE(Has(Refused("user = \"ci:${EMPTY_PW}\"\n", {{"EMPTY_PW", ""}}),
                  "environment variable EMPTY_PW is empty"));
}

TEST_F(ConfigFileTest, AnUnreadableFileIsOneLine) {
  const ProcessResult r = Run({"--config", dir_ / "missing.toml"}, At("127.0.0.1", "/") + "\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "fetchpool: --config: cannot read '" + dir_ / "missing.toml" +
                       "': No such file or directory\n");
}

// A state file as fetchpool wrote it before schema 5: the command line verbatim, URLs with
// their passwords (two passwords of one URL as two rows).
void WriteVersion4State(const std::string& path, const std::string& url_a,
                        const std::string& url_b) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string sql = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, ended_at INTEGER,
  arguments TEXT NOT NULL, inputs TEXT NOT NULL, finished INTEGER NOT NULL DEFAULT 0,
  resumes INTEGER NOT NULL DEFAULT 0, total INTEGER, ok INTEGER, failed INTEGER, warned INTEGER);
CREATE TABLE urls(id INTEGER PRIMARY KEY, url_key INTEGER NOT NULL, url BLOB NOT NULL,
  first_seen INTEGER NOT NULL, last_checked INTEGER, last_ok INTEGER, last_result_ok INTEGER,
  fail_streak INTEGER NOT NULL DEFAULT 0, failing_since INTEGER, checks INTEGER NOT NULL DEFAULT 0,
  status INTEGER, bytes INTEGER);
CREATE INDEX urls_by_key ON urls(url_key);
CREATE TABLE results(run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL,
  url_id INTEGER NOT NULL REFERENCES urls(id), line INTEGER NOT NULL, checked_at INTEGER NOT NULL,
  ok INTEGER NOT NULL, warning INTEGER NOT NULL, cached INTEGER NOT NULL, status INTEGER,
  bytes INTEGER NOT NULL, ms INTEGER NOT NULL, attempts INTEGER NOT NULL, error TEXT,
  error_kind TEXT, change TEXT, PRIMARY KEY(run_id, seq)) WITHOUT ROWID;
CREATE INDEX results_failed_by_url ON results(url_id, run_id) WHERE NOT ok;
INSERT INTO runs(id, started_at, ended_at, arguments, inputs, finished) VALUES
  (1, 1000, 2000, '["-u","alice:old-secret-1","-HAuthorization: Bearer old-secret-2","--state","s.db"]', '["-"]', 1),
  (2, 3000, 4000, '["--proxy=http://p:old-secret-3@proxy:3128","-ku","bob:old-secret-4"]', '["-"]', 1);
INSERT INTO urls(id, url_key, url, first_seen, last_checked, last_ok, last_result_ok, status, bytes)
  VALUES (1, 11, CAST(')sql" +
                          url_a + R"sql(' AS BLOB), 1000, unixepoch() * 1000 - 9000,
             unixepoch() * 1000 - 9000, 1, 200, 10),
         (2, 22, CAST(')sql" +
                          url_b + R"sql(' AS BLOB), 3000, unixepoch() * 1000 - 5000,
             unixepoch() * 1000 - 5000, 1, 200, 10);
INSERT INTO results VALUES (1, 0, 1, 1, 1500, 1, 0, 0, 200, 10, 5, 1, NULL, NULL, NULL),
                           (2, 0, 2, 1, 3500, 1, 0, 0, 200, 10, 5, 1, NULL, NULL, NULL);
)sql" +
                          "PRAGMA application_id = " + std::to_string(kStateApplicationId) +
                          "; PRAGMA user_version = 4;";
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST_F(ConfigFileTest, AnOlderStateFileLosesTheSecretsItStored) {
  const std::string state = dir_ / "old.db";
  WriteVersion4State(state, At("alice:old-secret-5@127.0.0.1", "/size/10"),
                     At("alice:old-secret-6@127.0.0.1", "/size/10"));
  std::string before = ReadFile(state) + ReadFile(state + "-wal");
  ASSERT_TRUE(Has(before, "old-secret-1"));  // the test's file does hold them
  const ProcessResult r = Run({"--state", state, "--max-cache-age", "1h"},
                              At("alice:new-secret@127.0.0.1", "/size/10") + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "cached")) << r.out;  // the two old rows became the one it looks up
  EXPECT_EQ(server_.request_count(), 0u);
  const std::string after = ReadFile(state) + ReadFile(state + "-wal");
  for (int i = 1; i <= 6; ++i) {
    EXPECT_FALSE(Has(after, "old-secret-" + std::to_string(i))) << i;
  }
  EXPECT_FALSE(Has(after, "new-secret"));
  StateFile db(state);
  EXPECT_EQ(db.Int("PRAGMA user_version"), kStateSchemaVersion);
  EXPECT_EQ(db.Int("SELECT count(*) FROM urls"), 1);
  EXPECT_EQ(db.Int("SELECT id FROM urls"), 2);  // the one checked last keeps the history
  EXPECT_EQ(db.Int("SELECT count(*) FROM results WHERE url_id = 2"), 3);
  EXPECT_EQ(db.Text("SELECT arguments FROM runs WHERE id = 1"),
            R"(["-u","alice:***","-HAuthorization: ***","--state","s.db"])");
  EXPECT_EQ(db.Text("SELECT arguments FROM runs WHERE id = 2"),
            R"(["--proxy=http://p:***@proxy:3128","-ku","bob:***"])");
  EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(db.Text("SELECT CAST(url AS TEXT) FROM urls"), At("alice:***@127.0.0.1", "/size/10"));
}

}  // namespace
}  // namespace fetchpool::testing
