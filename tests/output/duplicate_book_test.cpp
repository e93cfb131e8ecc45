#include "fetchpool/output/duplicate_book.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

Result Fetched(std::uint64_t seq, bool ok) {
  Result r;
  r.origin.seq = seq;
  r.origin.input = "docs/a.md";
  r.origin.line = 3;
  r.origin.column = 7;
  r.origin.url = "https://x.example/";
  r.verdict.ok = ok;
  r.transfer.http_status = ok ? 200 : 404;
  r.verdict.error_kind = ok ? ErrorKind::kNone : ErrorKind::kHttpStatus;
  r.verdict.error = ok ? "" : "HTTP 404";
  r.transfer.bytes = 10;
  r.transfer.attempts = 2;
  r.transfer.elapsed = std::chrono::milliseconds(300);
  return r;
}

Result DuplicateOf(std::uint64_t seq, std::uint64_t first) {
  Result r;
  r.origin.seq = seq;
  r.origin.input = "docs/b.md";
  r.origin.line = 9;
  r.origin.url = "https://x.example/#frag";
  r.duplicate_of = Duplicate{.seq = first};
  return r;
}

TEST(DuplicateBookTest, ADuplicateCopiesItsFirstsVerdict) {
  DuplicateBook book;
  std::vector<Result> ready;
  book.First(Fetched(0, false), ready);
  EXPECT_TRUE(ready.empty());
  Result d = DuplicateOf(5, 0);
  ASSERT_TRUE(book.Complete(d));
  EXPECT_FALSE(d.verdict.ok);
  EXPECT_EQ(d.verdict.error, "HTTP 404");
  EXPECT_EQ(d.verdict.error_kind, ErrorKind::kHttpStatus);
  EXPECT_EQ(d.transfer.http_status, 404);
  EXPECT_EQ(d.transfer.attempts, 0) << "no transfer of its own";
  EXPECT_EQ(d.transfer.elapsed.count(), 0);
  EXPECT_EQ(d.origin.input, "docs/b.md") << "its own origin stays";
  EXPECT_EQ(d.origin.line, 9u);
  EXPECT_EQ(d.duplicate_of->input, "docs/a.md");
  EXPECT_EQ(d.duplicate_of->line, 3u);
  EXPECT_EQ(d.duplicate_of->column, 7u);
}

TEST(DuplicateBookTest, ADuplicateBeforeItsFirstWaitsForIt) {
  DuplicateBook book;
  Result d = DuplicateOf(4, 1);
  EXPECT_FALSE(book.Complete(d));
  std::vector<Result> ready;
  book.First(Fetched(0, true), ready);
  EXPECT_TRUE(ready.empty()) << "another first";
  book.First(Fetched(1, true), ready);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].origin.seq, 4u);
  EXPECT_TRUE(ready[0].verdict.ok);
  EXPECT_EQ(ready[0].transfer.bytes, 10u);
  EXPECT_EQ(book.DropWaiting(), 0u);
}

TEST(DuplicateBookTest, DuplicatesOfAFirstThatNeverCameAreDropped) {
  DuplicateBook book;
  Result a = DuplicateOf(4, 1);
  Result b = DuplicateOf(6, 1);
  book.Complete(a);
  book.Complete(b);
  EXPECT_EQ(book.DropWaiting(), 2u);
}

// --each-address: the first is one result per address, in any order.
Result AtAddress(Result r, std::uint16_t index, std::uint16_t count) {
  r.origin.address = "127.0.0." + std::to_string(index + 2);
  r.origin.address_index = index;
  r.origin.address_count = count;
  return r;
}

TEST(DuplicateBookTest, WithEachAddressADuplicateWaitsForEveryAddressAndCopiesTheWorst) {
  DuplicateBook book;
  Result waiting = DuplicateOf(5, 0);
  EXPECT_FALSE(book.Complete(waiting));
  std::vector<Result> ready;
  book.First(AtAddress(Fetched(0, true), 2, 3), ready);
  book.First(AtAddress(Fetched(0, false), 0, 3), ready);
  EXPECT_TRUE(ready.empty()) << "one address still to come";
  Result early = DuplicateOf(6, 0);
  EXPECT_FALSE(book.Complete(early)) << "the URL is not known whole yet";
  book.First(AtAddress(Fetched(0, true), 1, 3), ready);
  ASSERT_EQ(ready.size(), 2u);
  for (const Result& d : ready) {
    EXPECT_FALSE(d.verdict.ok) << "one address failed: the URL did";
    EXPECT_EQ(d.verdict.error, "HTTP 404");
    EXPECT_TRUE(d.origin.address.empty()) << "a duplicate fetched nothing: no address";
  }
  Result later = DuplicateOf(7, 0);
  ASSERT_TRUE(book.Complete(later));
  EXPECT_FALSE(later.verdict.ok);
  EXPECT_EQ(book.DropWaiting(), 0u);
}

TEST(DuplicateBookTest, AWarningIsWorseThanAnOkButNotThanAFailure) {
  DuplicateBook book;
  std::vector<Result> ready;
  Result warned = AtAddress(Fetched(0, false), 0, 2);
  warned.verdict.warning = true;
  warned.verdict.error = "slow: 300 ms > 200 ms";
  book.First(warned, ready);
  book.First(AtAddress(Fetched(0, true), 1, 2), ready);
  Result d = DuplicateOf(3, 0);
  ASSERT_TRUE(book.Complete(d));
  EXPECT_TRUE(d.verdict.warning);
  EXPECT_EQ(d.verdict.error, "slow: 300 ms > 200 ms");
}

}  // namespace
}  // namespace fetchpool
