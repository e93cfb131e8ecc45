#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fetchpool/state/sqlite_handles.hpp"
#include "fetchpool/util/status.hpp"

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

// Rows of `urls` read ahead of the list in id order, a chunk at a time. Rows get their ids in
// the order a run recorded them (about list order), so a list re-run in about that order finds
// nearly every URL here: about one sequential row read per URL instead of a random read in the
// key index. Reading on stops while it finds nothing (a new list, another order) and a lookup by
// key may move the window to where the list is. Memory: at most kHeld rows and kHeldBytes of URL.
// Thread-compatible: the reader thread's, like its connection.
class UrlRowWindow {
 public:
  static constexpr int kChunk = 64;   // rows per read: each read is its own short transaction
  static constexpr int kBehind = 32;  // a move starts this far before the row found
  static constexpr std::size_t kHeld = 1024;
  static constexpr std::size_t kHeldBytes = 2 << 20;

  Status Prepare(const Database& db);
  // The row with exactly these bytes, if the window holds it or, while reading on pays, after
  // reading the next chunk.
  const UrlRow* Find(std::int64_t key, std::string_view url);
  // A lookup by key found row `id`, which Find did not: reads on to it if it is just ahead, or
  // moves the window there while moving pays (something was found since the last move, or
  // enough lookups went by to try again).
  void Found(std::int64_t id);

  std::int64_t rows_read() const { return rows_read_; }  // for tests and profiles
  std::size_t held_bytes() const { return held_bytes_; }

 private:
  const UrlRow* Held(std::int64_t key, std::string_view url) const;
  // The next chunk from next_id_; false: nothing more (the end, or a failed read).
  bool ReadChunk();
  void Hold(UrlRow&& row);
  void MoveTo(std::int64_t id);

  Statement range_;
  std::unordered_map<std::int64_t, UrlRow> rows_;  // by url_key (a shared key: the first held)
  std::deque<std::int64_t> order_;                 // held keys, oldest first
  std::size_t held_bytes_ = 0;
  std::int64_t next_id_ = 0;  // the first id not read yet; 0: never placed
  int hits_since_read_ = 0;
  int hits_since_move_ = 0;
  int misses_since_move_ = 0;
  std::int64_t rows_read_ = 0;
};

}  // namespace fetchpool
