#include "fetchpool/util/shard.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace fetchpool {
namespace {

TEST(ShardTest, ParsesOneBasedKOfN) {
  std::optional<Shard> s = Shard::Parse("2/5");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index(), 2u);
  EXPECT_EQ(s->count(), 5u);
  EXPECT_TRUE(Shard::Parse("1/1"));
  for (const char* bad : {"0/4", "5/4", "1/0", "a/b", "1/", "/2", "3", "1/2/3", "-1/2", ""}) {
    EXPECT_FALSE(Shard::Parse(bad)) << bad;
  }
}

TEST(ShardTest, HashIsStableAcrossRunsAndMachines) {
  // Pinned values: changing the hash silently reshuffles every user's shards (docs/scaling-out.md
  // says so).
  EXPECT_EQ(Shard::Hash(""), 0xf52a15e9a9b5e89bull);
  EXPECT_EQ(Shard::Hash("a"), 0x02c0bdbf481420f8ull);
  EXPECT_EQ(Shard::Hash("https://example.com/"), Shard::Hash("https://example.com/"));
  EXPECT_EQ(Shard::Of(0, 4), 1u);
  EXPECT_EQ(Shard::Of(~std::uint64_t{0}, 4), 4u);
  EXPECT_EQ(Shard::Of(std::uint64_t{1} << 63, 2), 2u);
  EXPECT_EQ(Shard::Of((std::uint64_t{1} << 63) - 1, 2), 1u);
  EXPECT_EQ(Shard::Of(~std::uint64_t{0}, 1'000'000), 1'000'000u);
}

TEST(ShardTest, EveryUrlFallsInExactlyOneShard) {
  constexpr int kShards = 7;
  std::vector<Shard> shards;
  for (int k = 1; k <= kShards; ++k) {
    shards.push_back(*Shard::Parse(std::to_string(k) + "/" + std::to_string(kShards)));
  }
  for (int i = 0; i < 5000; ++i) {
    const std::string url =
        "https://host" + std::to_string(i % 97) + ".example/p/" + std::to_string(i);
    int owners = 0;
    for (const Shard& s : shards) owners += s.Takes(url) ? 1 : 0;
    ASSERT_EQ(owners, 1) << url;
  }
}

// The example: with FNV-1a % 4 these seven all landed in one shard of 4.
TEST(ShardTest, UrlsThatDifferInOneLetterDoNotShareAShard) {
  std::set<std::uint64_t> used;
  for (const char* tail : {"a", "e", "i", "m", "q", "u", "y"}) {
    used.insert(Shard::Of(Shard::Hash(std::string("http://h.example/") + tail), 4));
  }
  EXPECT_GE(used.size(), 3u);
}

// Every shard of every N in 2..64 gets within 5% of its fair share of `urls`.
void ExpectBalanced(const std::vector<std::string>& urls, const char* what) {
  std::vector<std::uint64_t> hashes;
  hashes.reserve(urls.size());
  for (const std::string& url : urls) hashes.push_back(Shard::Hash(url));
  for (std::uint64_t n = 2; n <= 64; ++n) {
    std::vector<std::size_t> sizes(n);
    for (std::uint64_t h : hashes) ++sizes[Shard::Of(h, n) - 1];
    const double fair = static_cast<double>(urls.size()) / static_cast<double>(n);
    for (std::uint64_t k = 0; k < n; ++k) {
      const double size = static_cast<double>(sizes[k]);
      ASSERT_NEAR(size, fair, fair * 0.05) << what << ": shard " << k + 1 << "/" << n;
    }
  }
}

// 6,250 URLs per shard at N = 64, so 5% is about four standard deviations of a random split.
// Each list below is one that FNV-1a % N split worse than that (by up to 8%).
constexpr int kListSize = 400'000;

TEST(ShardTest, SequentialIdsSpreadEvenly) {
  std::vector<std::string> urls;
  for (int i = 0; i < kListSize; ++i) {
    urls.push_back("https://api.example/items/" + std::to_string(i) + ".json");
  }
  ExpectBalanced(urls, "sequential ids");
}

TEST(ShardTest, OneLetterDifferencesSpreadEvenly) {
  // Groups of 26 URLs that differ in one letter only.
  std::vector<std::string> urls;
  for (int i = 0; i < kListSize / 26; ++i) {
    for (char c = 'a'; c <= 'z'; ++c) {
      urls.push_back(std::string("https://h.example/") + c + "/" + std::to_string(i));
    }
  }
  ExpectBalanced(urls, "one-letter differences");
}

TEST(ShardTest, SharedLongPrefixesSpreadEvenly) {
  const std::string prefix = "https://cdn.example/" + std::string(300, 'x') + "/assets/v1/";
  std::vector<std::string> urls;
  for (int i = 0; i < kListSize; ++i) urls.push_back(prefix + std::to_string(i * 100));
  ExpectBalanced(urls, "shared long prefix");
}

}  // namespace
}  // namespace fetchpool
