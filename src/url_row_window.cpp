#include "fetchpool/url_row_window.hpp"

#include <fmt/format.h>

namespace fetchpool {
namespace {

// A window that found nothing moves again only after this many lookups: a list in no
// particular order costs one window read per this many index lookups.
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
  rows_.reserve(kRows);
  return db.Prepare(
      fmt::format("SELECT {} FROM urls WHERE id >= ?1 ORDER BY id LIMIT {}", kUrlRowColumns, kRows),
      &range_);
}

const UrlRow* UrlRowWindow::Find(std::int64_t key, std::string_view url) {
  for (const UrlRow& r : rows_) {
    if (r.key == key && r.url == url) {
      ++hits_;
      return &r;
    }
  }
  ++misses_;
  return nullptr;
}

void UrlRowWindow::Found(std::int64_t id) {
  if (hits_ == 0 && misses_ < kMissesBeforeRetry && !rows_.empty()) return;
  hits_ = misses_ = 0;
  rows_.clear();
  range_.BindInt(1, id - kBehind);
  // A failed read (an I/O error) leaves the window short or empty: lookups go by key.
  while (range_.Step() == SQLITE_ROW) rows_.push_back(UrlRowFrom(range_));
  range_.Reset();
}

}  // namespace fetchpool
