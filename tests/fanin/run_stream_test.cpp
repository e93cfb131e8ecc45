#include "fetchpool/fanin/run_stream.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "fanin/fanin_test_runs.hpp"

namespace fetchpool::testing {
namespace {

const std::vector<std::string> kList = ListOf(100);

bool Has(const Status& s, const std::string& what) {
  return s.message().find(what) != std::string::npos;
}

TEST(RunStreamTest, ConcatenatedRunsAreReadOneAfterAnother) {
  std::string text;
  for (std::uint64_t k = 1; k <= 3; ++k) text += RunText(kList, {.shard = k, .shards = 3});
  MergeBook book;
  std::vector<Result> results;
  ASSERT_TRUE(ReadText(text, book, &results).ok());
  EXPECT_EQ(results.size(), kList.size());
  std::set<std::string> urls;
  for (const Result& r : results) {
    urls.insert(r.origin.url);
    EXPECT_EQ(r.origin.input, "urls.txt");
  }
  EXPECT_EQ(urls.size(), kList.size()) << "each URL once";
  ASSERT_EQ(book.ledger.runs().size(), 3u);
  // Run record, results, end, summary: the next run begins on the line after.
  const std::uint64_t next = 1 + book.ledger.runs()[0].counted.total + 2 + 1;
  EXPECT_EQ(book.ledger.runs()[1].where, "runs.jsonl:" + std::to_string(next));
  EXPECT_TRUE(book.ledger.Check().whole());
}

TEST(RunStreamTest, InterleavedRunsAreRefused) {
  const std::string a = RunText(kList, {.shard = 1, .shards = 2});
  const std::string b = RunText(kList, {.shard = 2, .shards = 2});
  // b's run record in the middle of a, as parallel --line-buffer would write them.
  const std::size_t cut = a.find('\n', a.find('\n') + 1) + 1;
  const std::string text = a.substr(0, cut) + b + a.substr(cut);
  MergeBook book;
  const Status s = ReadText(text, book, nullptr);
  EXPECT_TRUE(Has(s, "runs interleave")) << s.message();
}

TEST(RunStreamTest, AResultOfAnotherShardIsRefused) {
  std::string text = RunText(kList, {.shard = 1, .shards = 2});
  // A URL shard 1/2 would never hold.
  std::string foreign;
  for (const std::string& u : kList) {
    if (Shard::Of(Shard::Hash(u), 2) == 2) {
      foreign = u;
      break;
    }
  }
  const std::size_t at = text.find("\"url\":\"") + 7;
  text.replace(at, text.find('"', at) - at, foreign);
  MergeBook book;
  const Status s = ReadText(text, book, nullptr);
  EXPECT_TRUE(Has(s, foreign + " belongs to shard 2/2, not to the run's 1/2")) << s.message();
}

// Runs write a URL's password as "***", so its shard can no longer be worked out from it.
TEST(RunStreamTest, ShardsOfUrlsWithPasswordsAreReadAsTheirRunsWroteThem) {
  const std::vector<std::string> list = ListOf(100, "http://user:secret@h.example/");
  MergeBook book;
  std::vector<Result> results;
  for (std::uint64_t k = 1; k <= 2; ++k) {
    std::string text = RunText(list, {.shard = k, .shards = 2});
    for (std::size_t at; (at = text.find(":secret@")) != std::string::npos;) {
      text.replace(at, 8, ":***@");
    }
    const Status s = ReadText(text, book, &results, "shard-" + std::to_string(k) + ".jsonl");
    ASSERT_TRUE(s.ok()) << s.message();
  }
  EXPECT_EQ(results.size(), list.size());
  EXPECT_TRUE(book.ledger.Check().whole());
}

TEST(RunStreamTest, TwoResultsForOneLineAreRefused) {
  std::string text = RunText(kList, {});
  const std::size_t first = text.find('\n') + 1;
  const std::string line = text.substr(first, text.find('\n', first) + 1 - first);
  text.insert(first, line);
  MergeBook book;
  const Status s = ReadText(text, book, nullptr);
  EXPECT_TRUE(Has(s, "runs.jsonl:3: line 1 of 'urls.txt' (http://h/0) has a result already"))
      << s.message();
}

// --each-address: a line has a result per address, and a run more results than URLs.
TEST(RunStreamTest, EachAddressRunsHaveAResultPerAddressOfALine) {
  MergeBook book;
  std::vector<Result> results;
  for (std::uint64_t k = 1; k <= 2; ++k) {
    const Status s = ReadText(RunText(kList, {.shard = k, .shards = 2, .addresses = 3}), book,
                              &results, "shard-" + std::to_string(k) + ".jsonl");
    ASSERT_TRUE(s.ok()) << s.message();
  }
  ASSERT_EQ(results.size(), 3 * kList.size());
  std::set<std::pair<std::string, std::string>> seen;
  for (const Result& r : results) {
    EXPECT_EQ(r.origin.address_count, 3);
    EXPECT_EQ(r.origin.address, "127.0.0." + std::to_string(r.origin.address_index + 2));
    seen.emplace(r.origin.url, r.origin.address);
  }
  EXPECT_EQ(seen.size(), results.size()) << "each URL at each address, once";
  const LedgerFindings findings = book.ledger.Check();
  EXPECT_TRUE(findings.whole()) << ::testing::PrintToString(findings.contradictions)
                                << ::testing::PrintToString(findings.missing);
  EXPECT_TRUE(book.ledger.AnyEachAddress());
  EXPECT_EQ(book.ledger.runs()[0].counted.urls * 3, book.ledger.runs()[0].counted.total);
}

TEST(RunStreamTest, AnEachAddressLineTwiceIsStillRefused) {
  std::string text = RunText(kList, {.addresses = 2});
  const std::size_t first = text.find('\n') + 1;
  const std::string line = text.substr(first, text.find('\n', first) + 1 - first);
  text.insert(first, line);  // the first address's result again
  MergeBook book;
  const Status s = ReadText(text, book, nullptr);
  EXPECT_TRUE(Has(s, "line 1 of 'urls.txt' (http://h/0) has a result already")) << s.message();
}

TEST(RunStreamTest, AResultFromAFileTheRunDidNotReadIsRefused) {
  std::string text = RunText(kList, {});
  const std::size_t at = text.find(R"("file":"urls.txt")");
  text.replace(at, 17, R"("file":"other.txt")");
  MergeBook book;
  EXPECT_TRUE(Has(ReadText(text, book, nullptr), "a result from 'other.txt'"));
}

TEST(RunStreamTest, AHalfWrittenLastLineIsARunCutShort) {
  std::string text = RunText(kList, {.end = false});
  text += R"({"type":"result","index":99,"url":"http://h/)";
  MergeBook book;
  ASSERT_TRUE(ReadText(text, book, nullptr).ok());
  const LedgerFindings v = book.ledger.Check();
  ASSERT_EQ(v.missing.size(), 1u);
  EXPECT_NE(v.missing[0].find("did not finish: no end record"), std::string::npos);
}

TEST(RunStreamTest, AnUnreadableLineInTheMiddleIsAnError) {
  std::string text = RunText(kList, {});
  text.insert(text.find('\n') + 1, "garbage\n");
  MergeBook book;
  const Status s = ReadText(text, book, nullptr, "x.jsonl");
  EXPECT_TRUE(Has(s, "x.jsonl:2: not JSON")) << s.message();
}

TEST(RunStreamTest, ARunRecordWithAShardNoRunCouldHaveIsRefused) {
  for (const char* shard : {R"("shard":0,"shards":4)", R"("shard":5,"shards":4)",
                            R"("shard":1,"shards":1000000000000)"}) {
    MergeBook book;
    const Status s =
        ReadText(std::string(R"({"type":"run","run":"r",)") + shard + "}\n", book, nullptr);
    EXPECT_TRUE(Has(s, "runs.jsonl:1: a run record with shard")) << shard << ": " << s.message();
  }
}

TEST(RunStreamTest, HostRecordsOfEveryRunAddUp) {
  std::string text;
  for (int k = 0; k < 2; ++k) {
    text +=
        R"({"type":"run","run":"r)" + std::to_string(k) +
        R"(","shard":1,"shards":1,"files":["-"]})"
        "\n"
        R"({"type":"host","host":"h","requests":2,"ok":2,"failed":0,"http_429":1,"http_503":0,"paused_s":0.5,"p50_ms":1,"p95_ms":2,"bytes":10,"latency_us":[[1023,1],[2047,1]],"max_us":2000})"
        "\n";
  }
  MergeBook book;
  ASSERT_TRUE(ReadText(text, book, nullptr).ok());
  const std::vector<HostStatsRow> rows = book.hosts.Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].requests, 4u);
  EXPECT_EQ(rows[0].http_429, 2u);
  EXPECT_EQ(rows[0].bytes, 20u);
  EXPECT_NEAR(rows[0].paused_s, 1.0, 1e-6);
  EXPECT_EQ(rows[0].latency.count(), 4u);
  EXPECT_DOUBLE_EQ(rows[0].p95_ms, 2.0) << "capped by the largest sample";
  EXPECT_TRUE(book.ledger.runs()[0].hosts);
}

}  // namespace
}  // namespace fetchpool::testing
