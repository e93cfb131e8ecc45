#include "fetchpool/state/state_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "fetchpool/state/state_schema.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
constexpr auto kLockWait = 2s;  // "waits briefly" for another run on the same file

// Refuses what SQLite would accept but the user cannot mean: a directory, a read-only file
// (root ignores permission bits, so they are checked here).
Status CheckPath(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();  // created below
    return Status::FromErrno(fmt::format("cannot use state '{}'", path), errno);
  }
  if (S_ISDIR(st.st_mode)) return Status::Error(fmt::format("state '{}' is a directory", path));
  if (!S_ISREG(st.st_mode)) {
    return Status::Error(fmt::format("state '{}' is not a regular file", path));
  }
  if ((st.st_mode & 0222) == 0) {
    return Status::Error(fmt::format("state '{}' is read-only", path));
  }
  return Status::Ok();
}

// The run-wide lock: flock() on the file itself. It is independent of SQLite's own (POSIX)
// locks, held for the whole run, and released by the kernel however the process ends.
Status Lock(const std::string& path, UniqueFd& fd) {
  fd.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) return Status::FromErrno(fmt::format("cannot open state '{}'", path), errno);
  const auto give_up = std::chrono::steady_clock::now() + kLockWait;
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return Status::FromErrno(fmt::format("cannot lock state '{}'", path), errno);
    }
    if (std::chrono::steady_clock::now() >= give_up) {
      return Status::Error(fmt::format(
          "state '{}' is in use by another fetchpool run (waited {}s); try again when it is done",
          path, std::chrono::duration_cast<std::chrono::seconds>(kLockWait).count()));
    }
    std::this_thread::sleep_for(20ms);
  }
  return Status::Ok();
}

Status Tune(const Database& db, const std::string& path) {
  Statement wal;
  if (Status s = db.Prepare("PRAGMA journal_mode = WAL", &wal); !s.ok()) return s;
  if (wal.Step() != SQLITE_ROW || wal.ColumnBytes(0) != "wal") {
    return Status::Error(fmt::format("cannot use state '{}': WAL mode is not available", path));
  }
  // NORMAL in WAL mode: a crash loses nothing committed, a power cut at most the last commits.
  // A small page cache keeps memory flat however large the file grows.
  return db.Exec(
      "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2048; PRAGMA foreign_keys = OFF;"
      "PRAGMA wal_autocheckpoint = 1000; PRAGMA journal_size_limit = 16777216;");
}

}  // namespace

std::int64_t UnixMillisNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StateStore::~StateStore() {
  static_cast<void>(db_.close());  // before the lock goes
}

Status StateStore::Open(const StateOptions& options, const std::vector<std::string>& inputs,
                        std::unique_ptr<StateStore>* out) {
  std::unique_ptr<StateStore> store(new StateStore());
  store->path_ = options.path;
  const std::string& path = options.path;
  if (Status s = CheckPath(path); !s.ok()) return s;
  if (Status s = Lock(path, store->lock_); !s.ok()) return s;
  // A new (empty) file has no bytes to keep: WAL from the start spares the schema's commit the
  // rollback journal's fsyncs (11 -> 7 per run; all 11 were ~40 ms of a 1-URL run).
  // Any other file is checked before a byte of it changes.
  struct stat st {};
  const bool empty = ::fstat(store->lock_.get(), &st) == 0 && st.st_size == 0;
  if (Status s = Database::Open(path, SQLITE_OPEN_READWRITE, &store->db_); !s.ok()) return s;
  sqlite3_busy_timeout(store->db_.get(), 2000);
  if (empty) {
    if (Status s = Tune(store->db_, path); !s.ok()) return s;
  }
  if (Status s = PrepareStateSchema(store->db_, path); !s.ok()) return s;
  if (!empty) {
    if (Status s = Tune(store->db_, path); !s.ok()) return s;
  }
  const std::vector<std::string> names = inputs.empty() ? std::vector<std::string>{"-"} : inputs;
  const std::string inputs_json =
      nlohmann::json(names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (Status s = store->StartRun(options, inputs_json); !s.ok()) return s;
  *out = std::move(store);
  return Status::Ok();
}

Status StateStore::StartRun(const StateOptions& options, const std::string& inputs_json) {
  auto fail = [&](std::string_view what) {
    return Status::Error(
        fmt::format("cannot use state '{}': {}: {}", path_, what, sqlite3_errmsg(db_.get())));
  };
  if (options.resume) {
    Statement last;
    if (!db_.Prepare("SELECT id, finished, inputs FROM runs ORDER BY id DESC LIMIT 1", &last)
             .ok()) {
      return fail("reading the last run");
    }
    const int rc = last.Step();
    if (rc == SQLITE_ROW && last.ColumnInt(1) == 0) {
      if (last.ColumnBytes(2) != inputs_json) {
        return Status::Error(
            fmt::format("--resume: the unfinished run in '{}' read {}, not {}; run without "
                        "--resume to start afresh",
                        path_, last.ColumnBytes(2), inputs_json));
      }
      run_ = {.id = last.ColumnInt(0), .resumed = true};
      Statement bump;
      if (!db_.Prepare("UPDATE runs SET resumes = resumes + 1 WHERE id = ?1", &bump).ok()) {
        return fail("resuming");
      }
      bump.BindInt(1, run_.id);
      if (bump.Step() != SQLITE_DONE) return fail("resuming");
      return Status::Ok();
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail("reading the last run");
  }
  Statement insert;
  if (!db_.Prepare("INSERT INTO runs(started_at, arguments, inputs) VALUES(?1, ?2, ?3)", &insert)
           .ok()) {
    return fail("starting a run");
  }
  insert.BindInt(1, UnixMillisNow());
  insert.BindText(2, nlohmann::json(options.arguments)
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  insert.BindText(3, inputs_json);
  if (insert.Step() != SQLITE_DONE) return fail("starting a run");
  run_ = {.id = sqlite3_last_insert_rowid(db_.get()), .resumed = false};
  return Status::Ok();
}

Status StateStore::MarkFinished() {
  if (!write_error_.ok()) return Status::Ok();  // already reported; the run stays unfinished
  Statement done;
  if (Status s = db_.Prepare("UPDATE runs SET finished = 1 WHERE id = ?1", &done); !s.ok()) {
    return s;
  }
  done.BindInt(1, run_.id);
  if (done.Step() != SQLITE_DONE) {
    return Status::Error(
        fmt::format("cannot write state '{}': {}", path_, sqlite3_errmsg(db_.get())));
  }
  return Status::Ok();
}

}  // namespace fetchpool
