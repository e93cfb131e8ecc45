#include "fetchpool/fanin/run_ledger.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fanin/fanin_test_runs.hpp"

namespace fetchpool::testing {
namespace {

bool Says(const std::vector<std::string>& lines, const std::string& what) {
  for (const std::string& l : lines) {
    if (l.find(what) != std::string::npos) return true;
  }
  return false;
}

// The verdict on `texts`, each read as a file of its own.
LedgerFindings VerdictOf(const std::vector<std::string>& texts, MergeBook& book) {
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const Status s = ReadText(texts[i], book, nullptr, "s" + std::to_string(i + 1) + ".jsonl");
    EXPECT_TRUE(s.ok()) << s.message();
  }
  return book.ledger.Check();
}

LedgerFindings VerdictOf(const std::vector<std::string>& texts) {
  MergeBook book;
  return VerdictOf(texts, book);
}

const std::vector<std::string> kList = ListOf(200);

std::vector<std::string> Shards(int n, const std::vector<std::string>& urls = kList) {
  std::vector<std::string> texts;
  for (int k = 1; k <= n; ++k) {
    texts.push_back(RunText(
        urls, {.shard = static_cast<std::uint64_t>(k), .shards = static_cast<std::uint64_t>(n)}));
  }
  return texts;
}

TEST(RunLedgerTest, EveryShardOnceIsAWholeList) {
  MergeBook book;
  const LedgerFindings v = VerdictOf(Shards(4), book);
  EXPECT_TRUE(v.whole()) << ::testing::PrintToString(v.missing)
                         << ::testing::PrintToString(v.contradictions);
  EXPECT_EQ(book.results, 200u);
  EXPECT_EQ(book.ledger.List().urls, 200u);
  EXPECT_EQ(book.ledger.List().digest, IdentityOf(kList).digest);
}

TEST(RunLedgerTest, AMissingShardIsNamed) {
  std::vector<std::string> texts = Shards(4);
  texts.erase(texts.begin() + 2);
  const LedgerFindings v = VerdictOf(texts);
  EXPECT_TRUE(v.contradictions.empty());
  ASSERT_EQ(v.missing.size(), 1u) << ::testing::PrintToString(v.missing);
  EXPECT_TRUE(Says(v.missing, "shard 3/4 of list sha256:")) << v.missing[0];
  EXPECT_TRUE(Says(v.missing, "(200 URLs) is missing")) << v.missing[0];
}

TEST(RunLedgerTest, ADoubledShardOrTheSameFileTwiceIsAContradiction) {
  std::vector<std::string> texts = Shards(2);
  texts.push_back(RunText(kList, {.shard = 2, .shards = 2}));
  EXPECT_TRUE(Says(VerdictOf(texts).contradictions, "shard 2/2 of list"));

  texts = Shards(2);
  texts.push_back(texts[0]);
  EXPECT_TRUE(Says(VerdictOf(texts).contradictions, "are the same run (shard 1/2) given twice"));
}

TEST(RunLedgerTest, AShardOfAnotherListIsNamedAsSuch) {
  std::vector<std::string> texts = Shards(4);
  std::vector<std::string> edited = kList;
  edited.push_back("http://h/new");
  texts[2] = RunText(edited, {.shard = 3, .shards = 4});
  const LedgerFindings v = VerdictOf(texts);
  EXPECT_TRUE(v.contradictions.empty()) << ::testing::PrintToString(v.contradictions);
  ASSERT_EQ(v.missing.size(), 2u) << ::testing::PrintToString(v.missing);
  EXPECT_TRUE(Says(v.missing, "s3.jsonl:1: shard 3/4 is of another list")) << v.missing[0];
  EXPECT_TRUE(Says(v.missing, ", 201 URLs) than the other shards (sha256:")) << v.missing[0];
  EXPECT_TRUE(Says(v.missing, "shard 3/4 of list")) << v.missing[1];
}

TEST(RunLedgerTest, UnfinishedRunsAreMissingWhatTheyDidNotDo) {
  std::vector<std::string> texts = Shards(3);
  texts[0] = RunText(kList, {.shard = 1, .shards = 3, .finished = false});
  texts[1] = RunText(kList, {.shard = 2, .shards = 3, .end = false});
  const LedgerFindings v = VerdictOf(texts);
  EXPECT_TRUE(v.contradictions.empty()) << ::testing::PrintToString(v.contradictions);
  EXPECT_TRUE(Says(v.missing, "shard 1/3 (s1.jsonl:1) did not finish: stopped by --max-time"))
      << ::testing::PrintToString(v.missing);
  EXPECT_TRUE(Says(v.missing, "shard 2/3 (s2.jsonl:1) did not finish: no end record"));
  EXPECT_EQ(v.missing.size(), 2u) << "an unfinished shard is not missing too";
}

TEST(RunLedgerTest, QuietRunsHoldTooFewResults) {
  std::vector<std::string> texts = Shards(2);
  texts[1] = RunText(kList, {.shard = 2, .shards = 2, .quiet = true});
  const LedgerFindings v = VerdictOf(texts);
  EXPECT_TRUE(Says(v.missing, "written with -q or -s?")) << ::testing::PrintToString(v.missing);
}

TEST(RunLedgerTest, EachAddressRunsAreCountedByUrl) {
  EXPECT_TRUE(VerdictOf({RunText(kList, {.addresses = 3})}).whole());
  // -q: the failures' results only; the URLs whose first address was ok are not there.
  const LedgerFindings quiet = VerdictOf({RunText(kList, {.quiet = true, .addresses = 3})});
  EXPECT_TRUE(Says(quiet.missing, "holds the results of 20 of its 200 URLs"))
      << ::testing::PrintToString(quiet.missing);
  EXPECT_TRUE(quiet.contradictions.empty()) << ::testing::PrintToString(quiet.contradictions);
}

TEST(RunLedgerTest, ARunOverItsLatencyBudgetIsNamed) {
  std::vector<std::string> texts = Shards(2);
  const std::size_t at = texts[1].find(R"({"type":"summary",)");
  ASSERT_NE(at, std::string::npos);
  texts[1].insert(at + 18,
                  R"("max_p95_ms":200,"answered":90,"answered_p95_ms":250.4,"over_budget":true,)");
  MergeBook book;
  EXPECT_TRUE(VerdictOf(texts, book).whole());
  EXPECT_EQ(book.ledger.BudgetBreaches(),
            std::vector<std::string>{"shard 2/2 (s2.jsonl:1): p95 of 90 answered URLs is 250 ms, "
                                     "over --max-p95 200 ms"});
  MergeBook within;
  VerdictOf(Shards(2), within);
  EXPECT_TRUE(within.ledger.BudgetBreaches().empty());
}

TEST(RunLedgerTest, ResultsThatDisagreeWithTheirSummaryAreAContradiction) {
  std::string text = RunText(kList, {});
  const std::size_t at = text.find(R"("ok":false)");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 10, R"("ok":true )");
  EXPECT_TRUE(Says(VerdictOf({text}).contradictions, "but its summary says"));
}

TEST(RunLedgerTest, ShardsOfDifferentSplitsOverlap) {
  std::vector<std::string> texts = Shards(2);
  texts.push_back(RunText(kList, {.shard = 3, .shards = 3}));
  EXPECT_TRUE(Says(VerdictOf(texts).contradictions, "is split more than one way (1/2, 2/2, 3/3)"));
}

TEST(RunLedgerTest, WholeRunsOfDifferentListsMerge) {
  const LedgerFindings v =
      VerdictOf({RunText(kList, {}), RunText(ListOf(50, "http://other/"), {})});
  EXPECT_TRUE(v.whole()) << ::testing::PrintToString(v.missing);
}

TEST(RunLedgerTest, ResultsWithoutARunRecordCannotBeVouchedFor) {
  const std::string text = R"({"type":"result","index":1,"url":"http://h/","ok":true,"file":"-"})"
                           "\n";
  MergeBook book;
  std::vector<Result> results;
  ASSERT_TRUE(ReadText(text, book, &results).ok());
  EXPECT_EQ(results.size(), 1u);
  EXPECT_TRUE(Says(book.ledger.Check().missing, "runs.jsonl:1: 1 result with no run record"));
}

TEST(RunLedgerTest, NothingAtAllIsNotAWholeList) {
  EXPECT_TRUE(Says(VerdictOf({""}).missing, "no fetchpool JSON Lines runs"));
}

TEST(RunLedgerTest, MergedElapsedRunsFromTheFirstStartToTheLastEnd) {
  RunLedger ledger;
  ledger.Begin({.started_ms = 10'000}, "a").summary = Summary{.elapsed_s = 2.0};
  ledger.Begin({.started_ms = 11'000}, "b").summary = Summary{.elapsed_s = 3.5};
  EXPECT_DOUBLE_EQ(ledger.ElapsedS(), 4.5);
}

}  // namespace
}  // namespace fetchpool::testing
