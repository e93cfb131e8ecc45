#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fetchpool/util/status.hpp"

namespace fetchpool {

// One prepared statement. Move-only, in the style of {fmt}'s file: a default-constructed or
// moved-from Statement is empty; the destructor finalizes quietly, close() reports.
// Thread-compatible: used by the thread that owns its Database.
class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { static_cast<void>(close()); }

  explicit operator bool() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_; }
  // Finalizes; returns the SQLite code of the last evaluation (SQLITE_OK when it went well).
  int close() noexcept;

  // Parameters are 1-based. Text and blobs are copied (SQLITE_TRANSIENT), exact bytes, any length.
  void BindInt(int index, std::int64_t value);
  void BindText(int index, std::string_view text);
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);
  void BindOptional(int index, const std::optional<std::int64_t>& value);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  // Ready for the next Step with new bindings.
  void Reset();

  std::int64_t ColumnInt(int column) const;
  bool ColumnIsNull(int column) const;
  // Text or blob bytes exactly as stored (valid until the next Step or Reset).
  std::string_view ColumnBytes(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// One connection. Move-only like Statement; close() reports what sqlite3_close says.
// Thread-compatible: one thread uses a connection at a time (the reader has its own).
class Database {
 public:
  Database() = default;
  Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database() { static_cast<void>(close()); }

  // sqlite3_open_v2 with `flags` (SQLITE_OPEN_NOMUTEX is added: the connection is not shared).
  static Status Open(const std::string& path, int flags, Database* out);

  explicit operator bool() const { return db_ != nullptr; }
  sqlite3* get() const { return db_; }
  Status close() noexcept;

  Status Prepare(std::string_view sql, Statement* out) const;
  // Runs SQL with no parameters and no wanted rows (schema, pragmas, BEGIN/COMMIT).
  Status Exec(const char* sql) const;
  // The single integer a query such as "PRAGMA user_version" returns.
  Status QueryInt(const char* sql, std::int64_t* out) const;

  // "CONTEXT: SQLite's message for the last error".
  Status Error(std::string_view context) const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace fetchpool
