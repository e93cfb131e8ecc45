#include "fetchpool/state/url_row_window.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace fetchpool {
namespace {

// Reading on or moving pays once the window has found this many URLs since it last did (chance
// hits in a list in no particular order stay below it); a window that does not pay moves again
// only after kMissesBeforeRetry lookups, so such a list costs about two rows read per URL.
constexpr int kHitsThatPay = 16;
constexpr int kMissesBeforeRetry = 32;

}  // namespace

UrlRow UrlRowFrom(const Statement& row) {
  UrlRow r;
  r.id = row.ColumnInt(0);
  r.key = row.ColumnInt(1);
  r.url = std::string(row.ColumnBytes(2));
  r.last_checked = row.ColumnInt(3);
  r.last_ok = row.ColumnInt(4) != 0;
  r.fail_streak = static_cast<int>(row.ColumnInt(5));
  r.failing_since_ms = row.ColumnInt(6);
  r.checks = static_cast<std::uint64_t>(row.ColumnInt(7));
  r.status = row.ColumnIsNull(8) ? 0 : static_cast<long>(row.ColumnInt(8));
  r.bytes = static_cast<std::uint64_t>(row.ColumnInt(9));
  return r;
}

Status UrlRowWindow::Prepare(const Database& db) {
  rows_.reserve(kHeld);
  return db.Prepare(fmt::format("SELECT {} FROM urls WHERE id >= ?1 ORDER BY id LIMIT {}",
                                kUrlRowColumns, kChunk),
                    &range_);
}

const UrlRow* UrlRowWindow::Held(std::int64_t key, std::string_view url) const {
  const auto it = rows_.find(key);
  return it != rows_.end() && it->second.url == url ? &it->second : nullptr;
}

const UrlRow* UrlRowWindow::Find(std::int64_t key, std::string_view url) {
  const UrlRow* row = Held(key, url);
  // Read on only while the window is where the list is.
  if (row == nullptr && hits_since_read_ >= kHitsThatPay && ReadChunk()) row = Held(key, url);
  if (row == nullptr) {
    ++misses_since_move_;
    return nullptr;
  }
  ++hits_since_read_;
  ++hits_since_move_;
  return row;
}

void UrlRowWindow::Found(std::int64_t id) {
  if (hits_since_move_ >= kHitsThatPay && id >= next_id_ &&
      id < next_id_ + std::int64_t{4} * kChunk) {
    while (next_id_ <= id && ReadChunk()) {
    }
    return;
  }
  // Just behind: held once and dropped, or sharing a key with a held row. Nothing to move.
  if (id < next_id_ && id >= next_id_ - static_cast<std::int64_t>(kHeld)) return;
  if (next_id_ == 0 || hits_since_move_ >= kHitsThatPay ||
      misses_since_move_ >= kMissesBeforeRetry) {
    MoveTo(id);
  }
}

void UrlRowWindow::MoveTo(std::int64_t id) {
  rows_.clear();
  order_.clear();
  held_bytes_ = 0;
  hits_since_move_ = misses_since_move_ = 0;
  next_id_ = std::max<std::int64_t>(1, id - kBehind);
  ReadChunk();
}

bool UrlRowWindow::ReadChunk() {
  hits_since_read_ = 0;
  range_.BindInt(1, next_id_);
  int n = 0;
  // A failed read (an I/O error) ends the chunk early: those URLs are looked up by key.
  while (range_.Step() == SQLITE_ROW) {
    UrlRow row = UrlRowFrom(range_);
    next_id_ = row.id + 1;
    Hold(std::move(row));
    ++n;
  }
  range_.Reset();
  rows_read_ += n;
  return n > 0;
}

void UrlRowWindow::Hold(UrlRow&& row) {
  const std::int64_t key = row.key;
  const std::size_t bytes = row.url.size();
  if (!rows_.try_emplace(key, std::move(row)).second) return;
  order_.push_back(key);
  held_bytes_ += bytes;
  while (order_.size() > 1 && (order_.size() > kHeld || held_bytes_ > kHeldBytes)) {
    const auto oldest = rows_.find(order_.front());
    held_bytes_ -= oldest->second.url.size();
    rows_.erase(oldest);
    order_.pop_front();
  }
}

}  // namespace fetchpool
