#include "fetchpool/state_lookup.hpp"

#include <fmt/format.h>

#include "fetchpool/error_kind_name.hpp"

namespace fetchpool {
namespace {

constexpr int kLookupsPerTxn = 1000;

constexpr const char* kHistory = R"sql(
SELECT last_checked, last_result_ok, fail_streak, failing_since, checks, status, bytes, id
FROM urls WHERE url = ?1)sql";

constexpr const char* kDone = R"sql(
SELECT u.url, r.ok, r.warning, r.status, r.bytes, r.ms, r.attempts, r.error, r.error_kind,
       r.change, u.fail_streak, u.failing_since, r.url_id
FROM results r JOIN urls u ON u.id = r.url_id
WHERE r.run_id = ?1 AND r.seq = ?2)sql";

ErrorKind KindNamed(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(ErrorKind::kOther); ++k) {
    if (name == ErrorKindName(static_cast<ErrorKind>(k))) return static_cast<ErrorKind>(k);
  }
  return ErrorKind::kOther;
}

Change ChangeNamed(std::string_view name) {
  for (Change c : {Change::kNewFailure, Change::kStillFailing, Change::kRecovered}) {
    if (name == ChangeName(c)) return c;
  }
  return Change::kNone;
}

}  // namespace

Status StateLookup::Open(const StateOptions& options, const StateRun& run,
                         std::unique_ptr<StateLookup>* out) {
  std::unique_ptr<StateLookup> lookup(new StateLookup(options, run));
  if (Status s = Database::Open(options.path, SQLITE_OPEN_READONLY, &lookup->db_); !s.ok()) {
    return s;
  }
  sqlite3_busy_timeout(lookup->db_.get(), 2000);
  Status s = lookup->db_.Exec("PRAGMA cache_size = -2048");
  if (s.ok()) s = lookup->db_.Prepare(kHistory, &lookup->history_);
  if (s.ok() && run.resumed) s = lookup->db_.Prepare(kDone, &lookup->done_);
  if (!s.ok())
    return Status::Error(fmt::format("cannot read state '{}': {}", options.path, s.message()));
  *out = std::move(lookup);
  return Status::Ok();
}

void StateLookup::Renew() {
  if (in_txn_ && lookups_in_txn_ < kLookupsPerTxn) {
    ++lookups_in_txn_;
    return;
  }
  if (in_txn_) static_cast<void>(db_.Exec("COMMIT"));
  in_txn_ = db_.Exec("BEGIN").ok();
  lookups_in_txn_ = 1;
  now_ms_ = UnixMillisNow();
}

Status StateLookup::Screen(Job& job, std::optional<Result>& ready) {
  Renew();
  job.history.tracked = true;
  job.history.fail_after = options_.fail_after;
  if (run_.resumed) {
    if (Status s = FromResumedRun(job, ready); !s.ok() || ready) return s;
  }
  ReadHistory(job, ready);
  return Status::Ok();
}

Status StateLookup::FromResumedRun(const Job& job, std::optional<Result>& ready) {
  done_.BindInt(1, run_.id);
  done_.BindInt(2, static_cast<std::int64_t>(job.seq));
  Status status;
  if (done_.Step() == SQLITE_ROW) {
    if (done_.ColumnBytes(0) != job.url) {
      status = Status::Error(fmt::format(
          "--resume: line {} differs from the unfinished run's list; run without --resume to "
          "start afresh",
          job.line));
    } else {
      Result r;
      r.seq = job.seq;
      r.line = job.line;
      r.url = job.url;
      r.cached = true;
      r.ok = done_.ColumnInt(1) != 0;
      r.warning = done_.ColumnInt(2) != 0;
      r.http_status = static_cast<long>(done_.ColumnInt(3));
      r.bytes = static_cast<std::uint64_t>(done_.ColumnInt(4));
      r.elapsed = std::chrono::milliseconds(done_.ColumnInt(5));
      r.attempts = static_cast<int>(done_.ColumnInt(6));
      if (!r.ok) {
        r.error = std::string(done_.ColumnBytes(7));
        r.error_kind = KindNamed(done_.ColumnBytes(8));
        r.fail_runs = static_cast<int>(done_.ColumnInt(10));
        r.failing_since_ms = done_.ColumnInt(11);
      }
      r.change = ChangeNamed(done_.ColumnBytes(9));
      r.state_url_id = done_.ColumnInt(12);
      r.checks_digest = job.checks_digest;
      ready = std::move(r);
    }
  }
  done_.Reset();
  return status;
}

void StateLookup::ReadHistory(Job& job, std::optional<Result>& ready) {
  history_.BindBlob(1, job.url);
  // A lookup that fails (an I/O error) only means the URL is fetched as if unseen.
  if (history_.Step() == SQLITE_ROW) {
    UrlHistory& h = job.history;
    h.seen = true;
    h.last_ok = history_.ColumnInt(1) != 0;
    h.fail_streak = static_cast<int>(history_.ColumnInt(2));
    h.failing_since_ms = history_.ColumnInt(3);
    const std::int64_t last_checked = history_.ColumnInt(0);
    const auto checks = static_cast<std::uint64_t>(history_.ColumnInt(4));
    const std::int64_t max_age_ms = options_.max_cache_age.count() * 1000;
    if (max_age_ms > 0 && h.last_ok && job.invalid.empty() && checks == job.checks_digest &&
        now_ms_ - last_checked < max_age_ms && last_checked <= now_ms_ + 1000) {
      Result r;
      r.seq = job.seq;
      r.line = job.line;
      r.url = job.url;
      r.ok = true;
      r.cached = true;
      r.attempts = 0;
      r.http_status = history_.ColumnIsNull(5) ? 0 : static_cast<long>(history_.ColumnInt(5));
      r.bytes = static_cast<std::uint64_t>(history_.ColumnInt(6));
      r.state_url_id = history_.ColumnInt(7);
      r.checks_digest = job.checks_digest;
      ready = std::move(r);
    }
  }
  history_.Reset();
}

}  // namespace fetchpool
