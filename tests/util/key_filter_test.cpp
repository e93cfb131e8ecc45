#include "fetchpool/util/key_filter.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace fetchpool {
namespace {

TEST(KeyFilterTest, NeverForgetsAKeyItWasGiven) {
  KeyFilter filter(16);
  std::mt19937_64 random(7);
  std::vector<std::uint64_t> keys(5000);
  for (std::uint64_t& key : keys) {
    key = random();
    filter.Add(key);
  }
  for (const std::uint64_t key : keys) EXPECT_TRUE(filter.MayContain(key)) << key;
}

TEST(KeyFilterTest, MostKeysNeverAddedAreKnownToBeAbsent) {
  KeyFilter filter(20);  // 1M bits
  std::mt19937_64 random(11);
  for (int i = 0; i < 10000; ++i) filter.Add(random());
  int maybe = 0;
  for (int i = 0; i < 100000; ++i) maybe += filter.MayContain(random()) ? 1 : 0;
  // About 10,000 / 2^20 = 1% false positives; sequential keys (URL ids) spread as well.
  EXPECT_LT(maybe, 2000);
  KeyFilter sequential(20);
  for (std::uint64_t k = 0; k < 10000; ++k) sequential.Add(k);
  int hits = 0;
  for (std::uint64_t k = 10000; k < 110000; ++k) hits += sequential.MayContain(k) ? 1 : 0;
  EXPECT_LT(hits, 2000);
}

TEST(KeyFilterTest, AnEmptyFilterHoldsNothing) {
  const KeyFilter filter(10);
  EXPECT_FALSE(filter.MayContain(0));
  EXPECT_FALSE(filter.MayContain(~std::uint64_t{0}));
}

}  // namespace
}  // namespace fetchpool
