#include "fetchpool/util/text.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

TEST(TextTest, AsciiCaseHelpersIgnoreTheLocaleAndNonAscii) {
  EXPECT_EQ(AsciiLower("HeLLo-\xC3\x89"), "hello-\xC3\x89");
  EXPECT_TRUE(EqualsIgnoreCase("Retry-After", "retry-after"));
  EXPECT_FALSE(EqualsIgnoreCase("Retry-After", "retry-afte"));
  EXPECT_TRUE(StartsWithIgnoreCase("RETRY-AFTER: 5", "retry-after:"));
  EXPECT_FALSE(StartsWithIgnoreCase("RETRY", "retry-after:"));
}

TEST(TextTest, PercentDecodeLeavesWhatIsNotAnEscape) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
  EXPECT_EQ(PercentDecode("%00x"), std::string("\0x", 2));
}

TEST(TextTest, LowerFirstWordKeepsAcronymsAndNames) {
  EXPECT_EQ(LowerFirstWord("Connection refused"), "connection refused");
  EXPECT_EQ(LowerFirstWord("CONNECT tunnel failed, response 403"),
            "CONNECT tunnel failed, response 403");
  EXPECT_EQ(LowerFirstWord("SSL certificate problem"), "SSL certificate problem");
  EXPECT_EQ(LowerFirstWord("HTTP/2 stream 1 was reset"), "HTTP/2 stream 1 was reset");
  EXPECT_EQ(LowerFirstWord("A"), "a");
  EXPECT_EQ(LowerFirstWord(""), "");
  EXPECT_EQ(LowerFirstWord("already lower"), "already lower");
}

}  // namespace
}  // namespace fetchpool
