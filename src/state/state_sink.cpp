#include "fetchpool/state/state_sink.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <unordered_map>

#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/core/url_history.hpp"
#include "fetchpool/state/url_key.hpp"
#include "fetchpool/util/key_filter.hpp"

namespace fetchpool {
namespace {

// A URL's history after a fetched result: ?1 its row (update) or its key (insert), ?2 the URL,
// ?3 now, then ok, fail streak, failing since, checks digest, status, bytes. The update leaves
// ?2 unused (SQLite allows the gap), so one binding serves both.
constexpr const char* kInsertUrl = R"sql(
INSERT INTO urls(url_key, url, first_seen, last_checked, last_ok, last_result_ok, fail_streak,
                 failing_since, checks, status, bytes)
VALUES(?1, ?2, ?3, ?3, CASE WHEN ?4 THEN ?3 END, ?4, ?5, ?6, ?7, ?8, ?9))sql";

constexpr const char* kUpdateUrl = R"sql(
UPDATE urls SET
  last_checked = ?3,
  last_ok = CASE WHEN ?4 THEN ?3 ELSE last_ok END,
  last_result_ok = ?4,
  fail_streak = ?5,
  failing_since = ?6,
  checks = ?7,
  status = ?8,
  bytes = ?9
WHERE id = ?1)sql";

// The key narrows the search to (nearly always) one row; the URL bytes decide.
constexpr const char* kFindUrl = "SELECT id FROM urls WHERE url_key = ?1 AND url = ?2";

constexpr const char* kInsertResult = R"sql(
INSERT OR IGNORE INTO results(run_id, seq, url_id, line, checked_at, ok, warning, cached, status,
                              bytes, ms, attempts, error, error_kind, change, file, col,
                              duplicate_of, baseline)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19))sql";

constexpr const char* kEndRun = R"sql(
UPDATE runs SET ended_at = ?2, total = ?3, ok = ?4, failed = ?5, warned = ?6 WHERE id = ?1)sql";

// Thread-safety: none, like every sink: the printer thread alone calls it (SQLite connection
// included).
class StateSink final : public ResultSink {
 public:
  explicit StateSink(StateStore& store) : store_(store), db_(store.db()) {
    Status s = db_.Prepare(kInsertUrl, &insert_url_);
    if (s.ok()) s = db_.Prepare(kUpdateUrl, &update_url_);
    if (s.ok()) s = db_.Prepare(kFindUrl, &find_url_);
    if (s.ok()) s = db_.Prepare(kInsertResult, &insert_result_);
    if (!s.ok()) Fail();
  }

  void Add(const Result& result) override {
    if (result.verdict.error_kind == ErrorKind::kAborted || !store_.write_error().ok()) return;
    if (result.origin.address_count <= 1) return Record(result);
    if (std::optional<Result> worst = Gather(result)) Record(*worst);
  }

  bool wants_ticks() const override { return true; }

  void Tick() override {
    if (in_batch_ && std::chrono::steady_clock::now() - batch_start_ >= kStateBatchAge) Commit();
  }

  Status Finish(const RunTotals& totals) override {
    // A stop may have cut some addresses short: the URL is what the others found.
    for (auto& [seq, gathered] : gathered_) {
      if (store_.write_error().ok()) Record(gathered.worst);
    }
    gathered_.clear();
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
  // --each-address: a URL's history is one, whatever its addresses, so its results (one per
  // address) are recorded as one: the worst of them (a failure, else a warning), once all came.
  struct Gathered {
    Result worst;
    std::uint16_t seen = 0;
  };
  static int Badness(const Result& r) { return r.verdict.ok ? 0 : r.verdict.warning ? 1 : 2; }

  std::optional<Result> Gather(const Result& r) {
    Gathered& g = gathered_[r.origin.seq];
    if (g.seen == 0 || Badness(r) > Badness(g.worst)) g.worst = r;
    if (++g.seen < r.origin.address_count) return std::nullopt;
    std::optional<Result> worst = std::move(g.worst);
    gathered_.erase(r.origin.seq);
    return worst;
  }

  void Record(const Result& result) {
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

  // The URL's row id: its history updated from a fetched result, or just found for one answered
  // from the state (which must not look freshly checked). 0: no row (nothing to add). Without
  // the reader's id the URL was new when it was read; only this run can have added it since (a
  // URL twice in the list: the file is locked), so it is looked up only if `added_` may hold it.
  bool UrlId(const Result& r, std::int64_t now, std::int64_t& id) {
    id = r.state.url_id;
    std::int64_t key = 0;
    if (id == 0) key = UrlKey(r.origin.url);
    // A duplicate's URL has a row (its first's), from this run or an earlier one.
    if (id == 0 && (r.duplicate_of || added_.MayContain(static_cast<std::uint64_t>(key)))) {
      find_url_.BindInt(1, key);
      find_url_.BindBlob(2, r.origin.url);
      const int rc = find_url_.Step();
      if (rc == SQLITE_ROW) id = find_url_.ColumnInt(0);
      find_url_.Reset();
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return false;
    }
    // Answered without a fetch of its own: the URL's history is not this result's to move. A
    // duplicate written otherwise (another #fragment) has no row yet: it gets one.
    if (r.state.cached || (r.duplicate_of && id != 0)) return true;
    Statement& stmt = id != 0 ? update_url_ : insert_url_;
    stmt.BindInt(1, id != 0 ? id : key);
    stmt.BindBlob(2, r.origin.url);
    stmt.BindInt(3, now);
    stmt.BindInt(4, r.verdict.ok ? 1 : 0);
    stmt.BindInt(5, r.state.fail_runs);
    if (r.verdict.ok) {
      stmt.BindNull(6);
    } else {
      stmt.BindInt(6, r.state.failing_since_ms != 0 ? r.state.failing_since_ms : now);
    }
    stmt.BindInt(7, static_cast<std::int64_t>(r.state.checks_digest));
    if (r.transfer.http_status > 0) {
      stmt.BindInt(8, r.transfer.http_status);
    } else {
      stmt.BindNull(8);
    }
    stmt.BindInt(9, static_cast<std::int64_t>(r.transfer.bytes));
    const int rc = stmt.Step();
    stmt.Reset();
    if (id == 0) {
      id = sqlite3_last_insert_rowid(db_.get());
      added_.Add(static_cast<std::uint64_t>(key));
    }
    return rc == SQLITE_DONE;
  }

  bool InsertResult(const Result& r, std::int64_t url_id, std::int64_t now) {
    Statement& s = insert_result_;
    s.BindInt(1, store_.run().id);
    s.BindInt(2, static_cast<std::int64_t>(r.origin.seq));
    s.BindInt(3, url_id);
    s.BindInt(4, static_cast<std::int64_t>(r.origin.line));
    s.BindInt(5, now);
    s.BindInt(6, r.verdict.ok ? 1 : 0);
    s.BindInt(7, r.verdict.warning ? 1 : 0);
    s.BindInt(8, r.state.cached ? 1 : 0);
    if (r.transfer.http_status > 0) {
      s.BindInt(9, r.transfer.http_status);
    } else {
      s.BindNull(9);
    }
    s.BindInt(10, static_cast<std::int64_t>(r.transfer.bytes));
    s.BindInt(11, r.transfer.elapsed.count() / 1000);
    s.BindInt(12, r.transfer.attempts);
    if (r.verdict.ok) {
      s.BindNull(13);
      s.BindNull(14);
    } else {
      s.BindText(13, r.verdict.error);
      s.BindText(14, ErrorKindName(r.verdict.error_kind));
    }
    if (const char* change = ChangeName(r.state.change)) {
      s.BindText(15, change);
    } else {
      s.BindNull(15);
    }
    s.BindText(16, r.origin.input);
    if (r.origin.column > 0) {
      s.BindInt(17, r.origin.column);
    } else {
      s.BindNull(17);
    }
    if (r.duplicate_of) {
      s.BindInt(18, static_cast<std::int64_t>(r.duplicate_of->seq));
    } else {
      s.BindNull(18);
    }
    s.BindInt(19, r.origin.in_baseline ? 1 : 0);
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
  Statement insert_url_;
  Statement update_url_;
  Statement find_url_;
  Statement insert_result_;
  std::unordered_map<std::uint64_t, Gathered> gathered_;  // --each-address, by Origin::seq
  KeyFilter added_{23};  // the URL keys this run inserted: 1 MiB, about 1% false positives at 100k
  bool in_batch_ = false;
  int batch_rows_ = 0;
  std::chrono::steady_clock::time_point batch_start_;
};

}  // namespace

std::unique_ptr<ResultSink> MakeStateSink(StateStore& store) {
  return std::make_unique<StateSink>(store);
}

}  // namespace fetchpool
