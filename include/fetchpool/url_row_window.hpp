#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/sqlite_handles.hpp"
#include "fetchpool/status.hpp"

namespace fetchpool {

// What the reader needs of one `urls` row (a plain value).
struct UrlRow {
  std::int64_t id = 0;
  std::int64_t key = 0;  // url_key
  std::string url;
  std::int64_t last_checked = 0;
  bool last_ok = false;
  int fail_streak = 0;
  std::int64_t failing_since_ms = 0;
  std::uint64_t checks = 0;
  long status = 0;  // 0: none
  std::uint64_t bytes = 0;
};

// The columns UrlRowFrom reads, in its order, for every query that yields a UrlRow.
inline constexpr const char* kUrlRowColumns =
    "id, url_key, url, last_checked, last_result_ok, fail_streak, failing_since, checks, status, "
    "bytes";
UrlRow UrlRowFrom(const Statement& row);

// A run of consecutive `urls` rows (by id) held in memory. Rows get their ids in the order a run
// recorded them, so a list re-run in about that order finds most URLs here: one sequential read
// of kRows rows instead of a random read in the key index per URL. Memory: kRows rows.
// Thread-compatible: the reader thread's, like its connection.
class UrlRowWindow {
 public:
  static constexpr int kRows = 64;
  static constexpr int kBehind = 16;  // rows before the one found: results arrive out of order

  Status Prepare(const Database& db);
  // The row with exactly these bytes, if the window holds it.
  const UrlRow* Find(std::int64_t key, std::string_view url);
  // A lookup outside the window found row `id`: moves the window there while it pays (it
  // found something since it last moved, or enough lookups went by to try again).
  void Found(std::int64_t id);

 private:
  Statement range_;
  std::vector<UrlRow> rows_;
  int hits_ = 0;    // since the last move
  int misses_ = 0;  // since the last move
};

}  // namespace fetchpool
