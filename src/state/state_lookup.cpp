#include "fetchpool/state/state_lookup.hpp"

#include <fmt/format.h>

#include <utility>

#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/state/url_key.hpp"

namespace fetchpool {
namespace {

constexpr int kLookupsPerClock = 1000;

std::string HistoryQuery() {
  // By key: the URL bytes decide among the rows sharing one.
  return fmt::format("SELECT {} FROM urls WHERE url_key = ?1 AND url = ?2", kUrlRowColumns);
}

constexpr const char* kDone = R"sql(
SELECT u.url, r.ok, r.warning, r.status, r.bytes, r.ms, r.attempts, r.error, r.error_kind,
       r.change, u.fail_streak, u.failing_since, r.url_id
FROM results r JOIN urls u ON u.id = r.url_id
WHERE r.run_id = ?1 AND r.seq = ?2)sql";

}  // namespace

Status StateLookup::Open(const StateOptions& options, const StateRun& run,
                         std::unique_ptr<StateLookup>* out) {
  std::unique_ptr<StateLookup> lookup(new StateLookup(options, run));
  if (Status s = Database::Open(options.path, SQLITE_OPEN_READONLY, &lookup->db_); !s.ok()) {
    return s;
  }
  sqlite3_busy_timeout(lookup->db_.get(), 2000);
  Status s = lookup->db_.Exec("PRAGMA cache_size = -2048");
  std::int64_t any_url = 1;
  if (s.ok()) s = lookup->db_.QueryInt("SELECT EXISTS(SELECT 1 FROM urls)", &any_url);
  lookup->no_history_ = any_url == 0;
  if (s.ok()) s = lookup->db_.Prepare(HistoryQuery(), &lookup->history_);
  if (s.ok()) s = lookup->window_.Prepare(lookup->db_);
  if (s.ok() && run.resumed) s = lookup->db_.Prepare(kDone, &lookup->done_);
  if (!s.ok())
    return Status::Error(fmt::format("cannot read state '{}': {}", options.path, s.message()));
  *out = std::move(lookup);
  return Status::Ok();
}

void StateLookup::Renew() {
  if (lookups_since_clock_ > 0 && lookups_since_clock_ < kLookupsPerClock) {
    ++lookups_since_clock_;
    return;
  }
  lookups_since_clock_ = 1;
  now_ms_ = UnixMillisNow();
}

Status StateLookup::Screen(Job& job, std::optional<Result>& ready) {
  Renew();
  job.history.tracked = true;
  if (run_.resumed) {
    if (Status s = FromResumedRun(job, ready); !s.ok() || ready) return s;
  }
  if (!no_history_) ReadHistory(job, ready);
  return Status::Ok();
}

Status StateLookup::FromResumedRun(const Job& job, std::optional<Result>& ready) {
  done_.BindInt(1, run_.id);
  done_.BindInt(2, static_cast<std::int64_t>(job.origin.seq));
  Status status;
  if (done_.Step() == SQLITE_ROW) {
    if (done_.ColumnBytes(0) != job.origin.url) {
      status = Status::Error(fmt::format(
          "--resume: line {} differs from the unfinished run's list; run without --resume to "
          "start afresh",
          job.origin.line));
    } else {
      Result r = MakeResult(job);
      r.state.cached = true;
      r.verdict.ok = done_.ColumnInt(1) != 0;
      r.verdict.warning = done_.ColumnInt(2) != 0;
      r.transfer.http_status = static_cast<long>(done_.ColumnInt(3));
      r.transfer.bytes = static_cast<std::uint64_t>(done_.ColumnInt(4));
      r.transfer.elapsed = std::chrono::milliseconds(done_.ColumnInt(5));
      r.transfer.attempts = static_cast<int>(done_.ColumnInt(6));
      if (!r.verdict.ok) {
        r.verdict.error = std::string(done_.ColumnBytes(7));
        r.verdict.error_kind = ErrorKindNamed(done_.ColumnBytes(8));
        r.state.fail_runs = static_cast<int>(done_.ColumnInt(10));
        r.state.failing_since_ms = done_.ColumnInt(11);
      }
      r.state.change = ChangeNamed(done_.ColumnBytes(9)).value_or(Change::kNone);
      r.state.url_id = done_.ColumnInt(12);
      ready = std::move(r);
    }
  }
  done_.Reset();
  return status;
}

bool StateLookup::FindRow(const Job& job, UrlRow& row) {
  const std::int64_t key = UrlKey(job.origin.url);
  if (const UrlRow* near = window_.Find(key, job.origin.url)) {
    row = *near;
    return true;
  }
  history_.BindInt(1, key);
  history_.BindBlob(2, job.origin.url);
  // A lookup that fails (an I/O error) only means the URL is fetched as if unseen.
  const bool found = history_.Step() == SQLITE_ROW;
  if (found) row = UrlRowFrom(history_);
  history_.Reset();
  if (found) window_.Found(row.id);
  return found;
}

void StateLookup::ReadHistory(Job& job, std::optional<Result>& ready) {
  UrlRow row;
  if (!FindRow(job, row)) return;
  UrlHistory& h = job.history;
  h.seen = true;
  h.url_id = row.id;
  h.last_ok = row.last_ok;
  h.fail_streak = row.fail_streak;
  h.failing_since_ms = row.failing_since_ms;
  const std::int64_t max_age_ms = options_.max_cache_age.count() * 1000;
  if (max_age_ms > 0 && h.last_ok && job.target.invalid.empty() &&
      row.checks == job.checks.digest && now_ms_ - row.last_checked < max_age_ms &&
      row.last_checked <= now_ms_ + 1000) {
    Result r = MakeResult(std::move(job));  // answered: the job goes no further
    r.verdict.ok = true;
    r.state.cached = true;
    r.transfer.attempts = 0;
    r.transfer.http_status = row.status;
    r.transfer.bytes = row.bytes;
    ready = std::move(r);
  }
}

}  // namespace fetchpool
