#include "fetchpool/state_sink.hpp"

#include <fmt/format.h>

#include <chrono>

#include "fetchpool/error_kind_name.hpp"
#include "fetchpool/url_history.hpp"

namespace fetchpool {
namespace {

constexpr const char* kUpsertUrl = R"sql(
INSERT INTO urls(url, first_seen, last_checked, last_ok, last_result_ok, fail_streak,
                 failing_since, checks, status, bytes)
VALUES(?1, ?2, ?2, CASE WHEN ?3 THEN ?2 END, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT(url) DO UPDATE SET
  last_checked = excluded.last_checked,
  last_ok = coalesce(excluded.last_ok, urls.last_ok),
  last_result_ok = excluded.last_result_ok,
  fail_streak = excluded.fail_streak,
  failing_since = excluded.failing_since,
  checks = excluded.checks,
  status = excluded.status,
  bytes = excluded.bytes
RETURNING id)sql";

constexpr const char* kUrlId = "SELECT id FROM urls WHERE url = ?1";

constexpr const char* kInsertResult = R"sql(
INSERT OR IGNORE INTO results(run_id, seq, url_id, line, checked_at, ok, warning, cached, status,
                              bytes, ms, attempts, error, error_kind, change)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15))sql";

constexpr const char* kEndRun = R"sql(
UPDATE runs SET ended_at = ?2, total = ?3, ok = ?4, failed = ?5, warned = ?6 WHERE id = ?1)sql";

class StateSink final : public ResultSink {
 public:
  explicit StateSink(StateStore& store) : store_(store), db_(store.db()) {
    Status s = db_.Prepare(kUpsertUrl, &upsert_url_);
    if (s.ok()) s = db_.Prepare(kUrlId, &url_id_);
    if (s.ok()) s = db_.Prepare(kInsertResult, &insert_result_);
    if (!s.ok()) Fail();
  }

  void Add(const Result& result) override {
    if (result.error_kind == ErrorKind::kAborted || !store_.write_error().ok()) return;
    if (!in_batch_) {
      if (!db_.Exec("BEGIN").ok()) return Fail();
      in_batch_ = true;
      batch_rows_ = 0;
      batch_start_ = std::chrono::steady_clock::now();
    }
    const std::int64_t now = UnixMillisNow();
    std::int64_t url_id = 0;
    if (!UrlId(result, now, url_id)) return Fail();
    if (url_id != 0 && !InsertResult(result, url_id, now)) return Fail();
    if (++batch_rows_ >= kStateBatchRows) Commit();
  }

  bool wants_ticks() const override { return true; }

  void Tick() override {
    if (in_batch_ && std::chrono::steady_clock::now() - batch_start_ >= kStateBatchAge) Commit();
  }

  Status Finish(const RunTotals& totals) override {
    if (in_batch_) Commit();
    if (!store_.write_error().ok()) return store_.write_error();
    Statement end;
    if (!db_.Prepare(kEndRun, &end).ok()) {
      Fail();
      return store_.write_error();
    }
    const Summary& s = totals.summary;
    end.BindInt(1, store_.run().id);
    end.BindInt(2, UnixMillisNow());
    end.BindInt(3, static_cast<std::int64_t>(s.total));
    end.BindInt(4, static_cast<std::int64_t>(s.ok));
    end.BindInt(5, static_cast<std::int64_t>(s.failed));
    end.BindInt(6, static_cast<std::int64_t>(s.warned));
    if (end.Step() != SQLITE_DONE) Fail();
    return store_.write_error();
  }

 private:
  // The URL's row id: its history updated from a fetched result, or just looked up for one
  // answered from the state (which must not look freshly checked). 0: no row (nothing to add).
  bool UrlId(const Result& r, std::int64_t now, std::int64_t& id) {
    if (r.cached && r.state_url_id != 0) {
      id = r.state_url_id;
      return true;
    }
    Statement& stmt = r.cached ? url_id_ : upsert_url_;
    stmt.BindBlob(1, r.url);
    if (!r.cached) {
      stmt.BindInt(2, now);
      stmt.BindInt(3, r.ok ? 1 : 0);
      stmt.BindInt(4, r.fail_runs);
      if (r.ok) {
        stmt.BindNull(5);
      } else {
        stmt.BindInt(5, r.failing_since_ms != 0 ? r.failing_since_ms : now);
      }
      stmt.BindInt(6, static_cast<std::int64_t>(r.checks_digest));
      if (r.http_status > 0) {
        stmt.BindInt(7, r.http_status);
      } else {
        stmt.BindNull(7);
      }
      stmt.BindInt(8, static_cast<std::int64_t>(r.bytes));
    }
    const int rc = stmt.Step();
    id = rc == SQLITE_ROW ? stmt.ColumnInt(0) : 0;
    const bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    if (rc == SQLITE_ROW) {
      // Finish the statement (RETURNING writes as it steps).
      while (stmt.Step() == SQLITE_ROW) {
      }
    }
    stmt.Reset();
    return ok;
  }

  bool InsertResult(const Result& r, std::int64_t url_id, std::int64_t now) {
    Statement& s = insert_result_;
    s.BindInt(1, store_.run().id);
    s.BindInt(2, static_cast<std::int64_t>(r.seq));
    s.BindInt(3, url_id);
    s.BindInt(4, static_cast<std::int64_t>(r.line));
    s.BindInt(5, now);
    s.BindInt(6, r.ok ? 1 : 0);
    s.BindInt(7, r.warning ? 1 : 0);
    s.BindInt(8, r.cached ? 1 : 0);
    if (r.http_status > 0) {
      s.BindInt(9, r.http_status);
    } else {
      s.BindNull(9);
    }
    s.BindInt(10, static_cast<std::int64_t>(r.bytes));
    s.BindInt(11, r.elapsed.count() / 1000);
    s.BindInt(12, r.attempts);
    if (r.ok) {
      s.BindNull(13);
      s.BindNull(14);
    } else {
      s.BindText(13, r.error);
      s.BindText(14, ErrorKindName(r.error_kind));
    }
    if (const char* change = ChangeName(r.change)) {
      s.BindText(15, change);
    } else {
      s.BindNull(15);
    }
    const int rc = s.Step();
    s.Reset();
    return rc == SQLITE_DONE;
  }

  void Commit() {
    in_batch_ = false;
    if (!db_.Exec("COMMIT").ok()) Fail();
  }

  void Fail() {
    store_.set_write_error(Status::Error(
        fmt::format("state '{}' could not be written: {}; results from then on were not recorded",
                    store_.path(), sqlite3_errmsg(db_.get()))));
    if (in_batch_ || !sqlite3_get_autocommit(db_.get())) {
      static_cast<void>(db_.Exec("ROLLBACK"));
    }
    in_batch_ = false;
  }

  StateStore& store_;
  Database& db_;
  Statement upsert_url_;
  Statement url_id_;
  Statement insert_result_;
  bool in_batch_ = false;
  int batch_rows_ = 0;
  std::chrono::steady_clock::time_point batch_start_;
};

}  // namespace

std::unique_ptr<ResultSink> MakeStateSink(StateStore& store) {
  return std::make_unique<StateSink>(store);
}

}  // namespace fetchpool
