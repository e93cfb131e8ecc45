// LineCutter: the one way input bytes become lines, for the reader and the progress counter.
#include "fetchpool/util/line_cutter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fetchpool {
namespace {

struct Seen {
  std::string text;
  bool overlong;
  std::uint64_t number;
};

// Feeds `input` in pieces of `step` bytes, then finishes.
std::vector<Seen> Cut(const std::string& input, std::size_t step) {
  std::vector<Seen> seen;
  auto keep = [&](const LineCutter::Line& l) {
    seen.push_back({std::string(l.text), l.overlong, l.number});
    return true;
  };
  LineCutter cutter;
  for (std::size_t at = 0; at < input.size(); at += step) {
    EXPECT_TRUE(cutter.Feed(std::string_view(input).substr(at, step), keep));
  }
  EXPECT_TRUE(cutter.Finish(keep));
  return seen;
}

TEST(LineCutterTest, LinesEndAtNewlinesAndTheLastNeedsNone) {
  for (std::size_t step : {1u, 3u, 1000u}) {
    const std::vector<Seen> seen = Cut("a\n\nbc\r\nlast", step);
    ASSERT_EQ(seen.size(), 4u) << step;
    EXPECT_EQ(seen[0].text, "a");
    EXPECT_EQ(seen[1].text, "");
    EXPECT_EQ(seen[2].text, "bc\r") << "trimming is the caller's";
    EXPECT_EQ(seen[3].text, "last");
    EXPECT_EQ(seen[3].number, 4u);
  }
  EXPECT_TRUE(Cut("", 1).empty());
  EXPECT_EQ(Cut("x\n", 1).size(), 1u) << "no empty line after a final newline";
}

TEST(LineCutterTest, OnlyTheFirstLineLosesAByteOrderMark) {
  const std::vector<Seen> seen = Cut("\xEF\xBB\xBFone\n\xEF\xBB\xBFtwo\n", 2);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].text, "one");
  EXPECT_EQ(seen[1].text, "\xEF\xBB\xBFtwo");
}

TEST(LineCutterTest, AnOverlongLineKeepsOnlyItsPrefix) {
  const std::string at_cap(kMaxLineBytes, 'a');
  const std::string over = std::string(kMaxLineBytes + 1, 'b');
  for (std::size_t step : {7u, 4096u, 1u << 20}) {
    const std::vector<Seen> seen = Cut(at_cap + "\n" + over + "\nnext\n" + over, step);
    ASSERT_EQ(seen.size(), 4u) << step;
    EXPECT_FALSE(seen[0].overlong);
    EXPECT_EQ(seen[0].text.size(), kMaxLineBytes);
    EXPECT_TRUE(seen[1].overlong);
    EXPECT_EQ(seen[1].text, std::string(kShownPrefix, 'b'));
    EXPECT_FALSE(seen[2].overlong) << "the next line starts afresh";
    EXPECT_EQ(seen[2].text, "next");
    EXPECT_TRUE(seen[3].overlong) << "an overlong last line without a newline";
  }
}

TEST(LineCutterTest, StopsWhenTheCallbackSaysSo) {
  LineCutter cutter;
  int calls = 0;
  auto two = [&](const LineCutter::Line&) { return ++calls < 2; };
  EXPECT_FALSE(cutter.Feed("a\nb\nc\n", two));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace fetchpool
