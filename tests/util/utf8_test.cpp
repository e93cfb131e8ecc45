#include "fetchpool/util/utf8.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

TEST(Utf8Test, WellFormedSequences) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xc3\xa9", 0), 2u);          // é
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82\xac", 0), 3u);      // €
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x98\x80", 0), 4u);  // 😀
  EXPECT_EQ(Utf8SequenceLength("x\xc3\xa9", 1), 2u);
}

TEST(Utf8Test, MalformedSequences) {
  EXPECT_EQ(Utf8SequenceLength("\xff", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\x80", 0), 0u) << "lone continuation byte";
  EXPECT_EQ(Utf8SequenceLength("\xc3", 0), 0u) << "truncated";
  EXPECT_EQ(Utf8SequenceLength("\xc0\xaf", 0), 0u) << "overlong";
  EXPECT_EQ(Utf8SequenceLength("\xe0\x80\xaf", 0), 0u) << "overlong";
  EXPECT_EQ(Utf8SequenceLength("\xed\xa0\x80", 0), 0u) << "surrogate";
  EXPECT_EQ(Utf8SequenceLength("\xf4\x90\x80\x80", 0), 0u) << "beyond U+10FFFF";
  EXPECT_EQ(Utf8SequenceLength("\xef\xbf\xbf", 0), 0u) << "U+FFFF";
}

}  // namespace
}  // namespace fetchpool
