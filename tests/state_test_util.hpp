// Helpers for the --state integration tests: the real binary with a clean environment, and
// direct reads of the SQLite file it wrote (a real file in a temp dir, no mock).
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "support/subprocess.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {

inline SubprocessOptions StateEnv() {
  SubprocessOptions opts;
  opts.env_unset = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                    "all_proxy",  "ALL_PROXY",  "no_proxy",    "NO_PROXY"};
  return opts;
}

inline std::vector<std::string> FetchpoolArgv(std::vector<std::string> args) {
  args.insert(args.begin(), FETCHPOOL_BINARY);
  args.push_back("--color=never");
  return args;
}

inline ProcessResult RunWithState(std::vector<std::string> args, const std::string& input,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  return RunProcess(FetchpoolArgv(std::move(args)), input, timeout, StateEnv());
}

// A look at a state file (queries only). Thread-compatible: one test owns it.
class StateFile {
 public:
  explicit StateFile(const std::string& path) {
    // Read-write: after a kill -9 the first connection recovers the WAL, which needs it.
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
  }
  ~StateFile() { sqlite3_close(db_); }
  StateFile(const StateFile&) = delete;
  StateFile& operator=(const StateFile&) = delete;

  // The first column of the first row as an integer (-1 when there is no row or on error).
  std::int64_t Int(const std::string& sql) const {
    sqlite3_stmt* stmt = nullptr;
    std::int64_t value = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return value;
    }
    if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  }

  // Every row's first (or `column`th) column as bytes.
  std::vector<std::string> Bytes(const std::string& sql, int column = 0) const {
    sqlite3_stmt* stmt = nullptr;
    std::vector<std::string> out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const void* data = sqlite3_column_blob(stmt, column);
      out.emplace_back(static_cast<const char*>(data),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
    }
    sqlite3_finalize(stmt);
    return out;
  }

  std::string Text(const std::string& sql) const {
    std::vector<std::string> rows = Bytes(sql);
    return rows.empty() ? std::string() : rows.front();
  }

 private:
  sqlite3* db_ = nullptr;
};

// Runs SQL on a file (creating it), for preparing test inputs.
inline void ExecSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The text line for `url` (without its newline), or "".
inline std::string LineOf(const std::string& out, const std::string& url) {
  std::size_t start = 0;
  while (start < out.size()) {
    const std::size_t nl = out.find('\n', start);
    const std::string line = out.substr(start, nl - start);
    if (line.starts_with("[") && Has(line, " " + url + " (")) return line;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return {};
}

}  // namespace fetchpool::testing
