#include "fetchpool/state/sqlite_handles.hpp"

#include <fmt/format.h>

#include <mutex>

namespace fetchpool {

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    static_cast<void>(close());
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

int Statement::close() noexcept {
  if (stmt_ == nullptr) return SQLITE_OK;
  return sqlite3_finalize(std::exchange(stmt_, nullptr));
}

void Statement::BindInt(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void Statement::BindText(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void Statement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob with a null pointer would bind NULL; "" is still a (zero-length) value.
  static const char kEmpty = 0;
  sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(),
                      SQLITE_TRANSIENT);
}

void Statement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

void Statement::BindOptional(int index, const std::optional<std::int64_t>& value) {
  if (value) {
    BindInt(index, *value);
  } else {
    BindNull(index);
  }
}

int Statement::Step() { return sqlite3_step(stmt_); }

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string_view Statement::ColumnBytes(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    static_cast<void>(close());
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Status Database::Open(const std::string& path, int flags, Database* out) {
  // Before SQLite initialises: without memory statistics its allocator takes no global mutex,
  // which the reader's and the printer's connections otherwise contend for on every malloc.
  static std::once_flag configured;
  std::call_once(configured, [] { static_cast<void>(sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)); });
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Database opened;
  opened.db_ = db;  // sqlite3_open_v2 may hand back a handle even when it fails
  if (rc != SQLITE_OK) {
    return Status::Error(fmt::format("cannot open state '{}': {}", path,
                                     db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db, 1);
  *out = std::move(opened);
  return Status::Ok();
}

Status Database::close() noexcept {
  if (db_ == nullptr) return Status::Ok();
  // Every Statement is finalized by its owner first; sqlite3_close then cannot be busy.
  const int rc = sqlite3_close(db_);
  if (rc != SQLITE_OK) {
    Status s = Status::Error(fmt::format("cannot close state: {}", sqlite3_errmsg(db_)));
    sqlite3_close_v2(db_);  // closes once the last statement goes
    db_ = nullptr;
    return s;
  }
  db_ = nullptr;
  return Status::Ok();
}

Status Database::Prepare(std::string_view sql, Statement* out) const {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return Error("cannot prepare a statement");
  }
  *out = Statement(stmt);
  return Status::Ok();
}

Status Database::Exec(const char* sql) const {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Error(sql);
  return Status::Ok();
}

Status Database::QueryInt(const char* sql, std::int64_t* out) const {
  Statement stmt;
  if (Status s = Prepare(sql, &stmt); !s.ok()) return s;
  const int rc = stmt.Step();
  if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? Status::Error("no row") : Error(sql);
  *out = stmt.ColumnInt(0);
  return Status::Ok();
}

Status Database::Error(std::string_view context) const {
  return Status::Error(fmt::format("{}: {}", context, sqlite3_errmsg(db_)));
}

}  // namespace fetchpool
