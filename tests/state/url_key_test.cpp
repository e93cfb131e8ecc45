#include "fetchpool/state/url_key.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>

namespace fetchpool {
namespace {

std::int64_t Signed(std::uint64_t v) { return std::bit_cast<std::int64_t>(v); }

TEST(UrlKeyTest, IsFnv1a64OfTheBytesForeverBecauseStateFilesStoreIt) {
  EXPECT_EQ(UrlKey(""), Signed(0xcbf29ce484222325ULL));
  EXPECT_EQ(UrlKey("a"), Signed(0xaf63dc4c8601ec8cULL));
  EXPECT_EQ(UrlKey("foobar"), Signed(0x85944171f73967e8ULL));
}

TEST(UrlKeyTest, EveryByteCountsNulAndHighBytesIncluded) {
  const std::string with_nul("http://h/\0a", 11);
  const std::string with_high =
      "http://h/\xff"
      "a";
  EXPECT_NE(UrlKey(with_nul), UrlKey("http://h/"));
  EXPECT_NE(UrlKey(with_high), UrlKey("http://h/a"));
  EXPECT_NE(UrlKey("http://h/a"), UrlKey("http://h/A"));
}

}  // namespace
}  // namespace fetchpool
