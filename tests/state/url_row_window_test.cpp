#include "fetchpool/state/url_row_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "fetchpool/state/state_schema.hpp"
#include "fetchpool/state/url_key.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

std::string UrlNumber(int i) { return "http://127.0.0.1:1/x?u=" + std::to_string(i); }

// A real state file holding `urls` rows 1..n in order, found as StateLookup finds them: the
// window first, else the key index, whose find is handed back to the window.
class UrlRowWindowTest : public ::testing::Test {
 protected:
  void Fill(int n, std::size_t url_size = 0) {
    ASSERT_TRUE(
        Database::Open(dir_ / "state.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db_).ok());
    ASSERT_TRUE(PrepareStateSchema(db_, "state.db").ok());
    Statement insert;
    ASSERT_TRUE(db_.Prepare("INSERT INTO urls(id, url_key, url, first_seen, last_checked) "
                            "VALUES(?1, ?2, ?3, 1, 1)",
                            &insert)
                    .ok());
    ASSERT_TRUE(db_.Exec("BEGIN").ok());
    for (int i = 1; i <= n; ++i) {
      std::string url = UrlNumber(i);
      if (url_size > url.size()) url.append(url_size - url.size(), 'p');
      urls_.push_back(url);
      insert.BindInt(1, i);
      insert.BindInt(2, UrlKey(url));
      insert.BindBlob(3, url);
      ASSERT_EQ(insert.Step(), SQLITE_DONE);
      insert.Reset();
    }
    ASSERT_TRUE(db_.Exec("COMMIT").ok());
    ASSERT_TRUE(db_.Prepare("SELECT id FROM urls WHERE url_key = ?1 AND url = ?2", &by_key_).ok());
    ASSERT_TRUE(window_.Prepare(db_).ok());
  }

  // The row id of `url` (0: none), counting what the window could not answer.
  std::int64_t Lookup(const std::string& url) {
    const std::int64_t key = UrlKey(url);
    if (const UrlRow* row = window_.Find(key, url)) {
      EXPECT_EQ(row->url, url);
      return row->id;
    }
    ++index_lookups_;
    by_key_.BindInt(1, key);
    by_key_.BindBlob(2, url);
    const std::int64_t id = by_key_.Step() == SQLITE_ROW ? by_key_.ColumnInt(0) : 0;
    by_key_.Reset();
    if (id != 0) window_.Found(id);
    return id;
  }

  testing::TempDir dir_;
  Database db_;
  Statement by_key_;
  UrlRowWindow window_;
  std::vector<std::string> urls_;
  int index_lookups_ = 0;
};

TEST_F(UrlRowWindowTest, AListInAboutRecordedOrderReadsEachRowAboutOnce) {
  constexpr int kN = 20000;
  Fill(kN);
  // Recorded in completion order: each URL up to 40 places from its line.
  std::vector<int> order(kN);
  for (int i = 0; i < kN; ++i) order[i] = i;
  std::mt19937 random(3);
  for (int i = 0; i + 40 < kN; i += 20)
    std::shuffle(order.begin() + i, order.begin() + i + 40, random);
  for (const int i : order) ASSERT_EQ(Lookup(urls_[i]), i + 1);
  EXPECT_LT(index_lookups_, kN / 100);
  EXPECT_LT(window_.rows_read(), kN + kN / 10);
}

TEST_F(UrlRowWindowTest, NewUrlsCostNoReadsAfterTheFirstThatFindsNothing) {
  Fill(5000);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(Lookup(urls_[i]), i + 1);
  const std::int64_t before = window_.rows_read();
  for (int i = 0; i < 3000; ++i) ASSERT_EQ(Lookup(UrlNumber(100000 + i)), 0);
  EXPECT_LE(window_.rows_read() - before, UrlRowWindow::kChunk);
  // Back to recorded URLs further on: the key index finds one and the window follows.
  for (int i = 3000; i < 5000; ++i) ASSERT_EQ(Lookup(urls_[i]), i + 1);
  EXPECT_LT(index_lookups_, 3000 + 100);
}

TEST_F(UrlRowWindowTest, AShuffledListIsFoundByKeyWithoutReadingMuchMore) {
  constexpr int kN = 5000;
  Fill(kN);
  std::vector<int> order(kN);
  for (int i = 0; i < kN; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(5));
  for (const int i : order) ASSERT_EQ(Lookup(urls_[i]), i + 1);
  // A move every 32 fruitless lookups: about two rows read per URL, not 64.
  EXPECT_LT(window_.rows_read(), 4 * kN);
}

TEST_F(UrlRowWindowTest, OnlyExactBytesMatchAndHugeUrlsAreHeldWithinTheByteBound) {
  Fill(200, 60 * 1024);
  for (int i = 0; i < 200; ++i) ASSERT_EQ(Lookup(urls_[i]), i + 1);
  EXPECT_LE(window_.held_bytes(), UrlRowWindow::kHeldBytes);
  std::string near = urls_[150];
  near.back() = 'q';
  EXPECT_EQ(window_.Find(UrlKey(urls_[150]), near), nullptr);  // its key, other bytes
  EXPECT_EQ(Lookup(near), 0);
}

}  // namespace
}  // namespace fetchpool
