#include "fetchpool/state/state_schema.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

#include "fetchpool/state/state_scrub.hpp"
#include "fetchpool/state/url_key.hpp"

namespace fetchpool {
namespace {

// Step i brings a version-i file to version i+1. Times are unix milliseconds; URLs are BLOBs,
// byte for byte as written on their line.
const std::array<const char*, kStateSchemaVersion> kMigrations = {
    // 0 -> 1: runs, URLs with their history, and each run's results.
    R"sql(
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  arguments TEXT NOT NULL,
  inputs TEXT NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0,
  resumes INTEGER NOT NULL DEFAULT 0,
  total INTEGER, ok INTEGER, failed INTEGER, warned INTEGER);
CREATE TABLE urls(
  id INTEGER PRIMARY KEY,
  url BLOB NOT NULL UNIQUE,
  first_seen INTEGER NOT NULL,
  last_checked INTEGER,
  last_ok INTEGER,
  last_result_ok INTEGER,
  fail_streak INTEGER NOT NULL DEFAULT 0,
  failing_since INTEGER,
  checks INTEGER NOT NULL DEFAULT 0,
  status INTEGER,
  bytes INTEGER);
CREATE TABLE results(
  run_id INTEGER NOT NULL REFERENCES runs(id),
  seq INTEGER NOT NULL,
  url_id INTEGER NOT NULL REFERENCES urls(id),
  line INTEGER NOT NULL,
  checked_at INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  warning INTEGER NOT NULL,
  cached INTEGER NOT NULL,
  status INTEGER,
  bytes INTEGER NOT NULL,
  ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT,
  error_kind TEXT,
  change TEXT,
  PRIMARY KEY(run_id, seq)) WITHOUT ROWID;
)sql",
    // 1 -> 2: one URL's results across runs without a scan (history queries, merging shards).
    "CREATE INDEX results_by_url ON results(url_id, run_id);",
    // 2 -> 3: URLs are found by a 64-bit key of their bytes (url_key.hpp), then compared byte for
    // byte, instead of by a unique index over the whole URL: the index shrinks to a few bytes per
    // URL, so a large state's lookups stay in the page cache. The table is rebuilt (SQLite cannot
    // drop a UNIQUE constraint); ids stay, so results keep pointing at their URLs.
    R"sql(
CREATE TABLE urls_v3(
  id INTEGER PRIMARY KEY,
  url_key INTEGER NOT NULL,
  url BLOB NOT NULL,
  first_seen INTEGER NOT NULL,
  last_checked INTEGER,
  last_ok INTEGER,
  last_result_ok INTEGER,
  fail_streak INTEGER NOT NULL DEFAULT 0,
  failing_since INTEGER,
  checks INTEGER NOT NULL DEFAULT 0,
  status INTEGER,
  bytes INTEGER);
INSERT INTO urls_v3
  SELECT id, fetchpool_url_key(url), url, first_seen, last_checked, last_ok, last_result_ok,
         fail_streak, failing_since, checks, status, bytes
  FROM urls ORDER BY id;
DROP TABLE urls;
ALTER TABLE urls_v3 RENAME TO urls;
CREATE INDEX urls_by_key ON urls(url_key);
)sql",
    // 3 -> 4: the index of results by URL holds failures only. Entries for every result landed
    // all over the index (URL order, not run order), so each batch rewrote most of its pages: a
    // third of the state's cost per result. A URL's failures across runs, what history queries
    // and flake hunts ask for, stay an index lookup; its whole history is a scan of `results`.
    R"sql(
DROP INDEX IF EXISTS results_by_url;
CREATE INDEX results_failed_by_url ON results(url_id, run_id) WHERE NOT ok;
)sql",
    // 4 -> 5: no secrets at rest (state_scrub.hpp).
    kScrubSecretsSql,
    // 5 -> 6: each result's origin in full (the document it was found in, with --extract, grep,
    // a diff or a sitemap, and the column) and the --dedup and --baseline marks. Rows of older
    // runs keep NULL file and column (their file was the run's input) and 0 marks.
    R"sql(
ALTER TABLE results ADD COLUMN file TEXT;
ALTER TABLE results ADD COLUMN col INTEGER;
ALTER TABLE results ADD COLUMN duplicate_of INTEGER;
ALTER TABLE results ADD COLUMN baseline INTEGER NOT NULL DEFAULT 0;
)sql",
};

// fetchpool_url_key(url) for the 2 -> 3 migration; registered only on the connection migrating.
void UrlKeyFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const auto* bytes = static_cast<const char*>(sqlite3_value_blob(argv[0]));
  const auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
  sqlite3_result_int64(ctx, UrlKey(std::string_view(bytes == nullptr ? "" : bytes, size)));
}

struct Header {
  std::int64_t application_id = 0;
  std::int64_t version = 0;
  std::int64_t objects = 0;  // tables, indexes...: 0 for a new (or empty) file
};

Status ReadHeader(const Database& db, const std::string& path, Header& h) {
  Status s = db.QueryInt("PRAGMA application_id", &h.application_id);
  if (s.ok()) s = db.QueryInt("PRAGMA user_version", &h.version);
  if (s.ok()) s = db.QueryInt("SELECT count(*) FROM sqlite_schema", &h.objects);
  if (!s.ok()) {
    return Status::Error(
        fmt::format("'{}' is not a fetchpool state file: {}", path, sqlite3_errmsg(db.get())));
  }
  return Status::Ok();
}

Status Refusal(const Header& h, const std::string& path) {
  const bool fresh = h.application_id == 0 && h.version == 0 && h.objects == 0;
  if (!fresh && h.application_id != kStateApplicationId) {
    return Status::Error(fmt::format(
        "'{}' is not a fetchpool state file (an SQLite database of another program?)", path));
  }
  if (h.version > kStateSchemaVersion) {
    return Status::Error(
        fmt::format("'{}' was written by a newer fetchpool (state version {}, this one knows up "
                    "to {}); use that version or another file",
                    path, h.version, kStateSchemaVersion));
  }
  return Status::Ok();
}

}  // namespace

Status PrepareStateSchema(Database& db, const std::string& path) {
  // A write lock from the start, so no other process can change the header under the check.
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) {
    const bool foreign = sqlite3_errcode(db.get()) == SQLITE_NOTADB;
    return Status::Error(fmt::format(fmt::runtime(foreign ? "'{}' is not a fetchpool state file: {}"
                                                          : "cannot use state '{}': {}"),
                                     path, sqlite3_errmsg(db.get())));
  }
  Header h;
  Status s = ReadHeader(db, path, h);
  if (s.ok()) s = Refusal(h, path);
  if (!s.ok()) {
    static_cast<void>(db.Exec("ROLLBACK"));
    return s;
  }
  if (h.version == kStateSchemaVersion) return db.Exec("COMMIT");
  if (sqlite3_create_function(db.get(), "fetchpool_url_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                              nullptr, UrlKeyFunction, nullptr, nullptr) != SQLITE_OK) {
    s = Status::Error("cannot register fetchpool_url_key");
  }
  if (s.ok()) s = RegisterScrubFunctions(db);
  bool scrubbed = false;  // the 4 -> 5 step redacted something
  for (std::int64_t v = h.version; v < kStateSchemaVersion && s.ok(); ++v) {
    const sqlite3_int64 before = sqlite3_total_changes64(db.get());
    s = db.Exec(kMigrations[static_cast<std::size_t>(v)]);
    if (v == 4 && h.objects > 0 && sqlite3_total_changes64(db.get()) != before) scrubbed = true;
  }
  if (s.ok()) {
    s = db.Exec(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}",
                            kStateApplicationId, kStateSchemaVersion)
                    .c_str());
  }
  if (s.ok()) s = db.Exec("COMMIT");
  if (!s.ok()) {
    static_cast<void>(db.Exec("ROLLBACK"));
    return Status::Error(
        fmt::format("cannot set up state '{}': {}", path, sqlite3_errmsg(db.get())));
  }
  if (scrubbed) {
    if (Status w = WipeOldPages(db); !w.ok()) {
      return Status::Error(fmt::format("cannot scrub state '{}': {}", path, w.message()));
    }
  }
  return Status::Ok();
}

}  // namespace fetchpool
