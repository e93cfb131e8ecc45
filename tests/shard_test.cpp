#include "fetchpool/shard.hpp"

#include <gtest/gtest.h>

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
  // Pinned values: changing the hash would silently reshuffle every user's shards.
  EXPECT_EQ(Shard::Hash(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Shard::Hash("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Shard::Hash("https://example.com/"), Shard::Hash("https://example.com/"));
}

TEST(ShardTest, EveryUrlFallsInExactlyOneShardAndShardsAreBalanced) {
  constexpr int kShards = 4;
  std::vector<Shard> shards;
  for (int k = 1; k <= kShards; ++k) {
    shards.push_back(*Shard::Parse(std::to_string(k) + "/" + std::to_string(kShards)));
  }
  std::vector<int> sizes(kShards);
  for (int i = 0; i < 20000; ++i) {
    const std::string url =
        "https://host" + std::to_string(i % 97) + ".example/p/" + std::to_string(i);
    int owners = 0;
    for (int k = 0; k < kShards; ++k) {
      if (shards[static_cast<std::size_t>(k)].Takes(url)) {
        ++owners;
        ++sizes[static_cast<std::size_t>(k)];
      }
    }
    ASSERT_EQ(owners, 1) << url;
  }
  for (int size : sizes) EXPECT_NEAR(size, 5000, 400);
}

}  // namespace
}  // namespace fetchpool
