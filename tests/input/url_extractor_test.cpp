#include "fetchpool/input/url_extractor.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

struct Found {
  std::string url;
  std::size_t offset;
  bool operator==(const Found&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Found& f) {
  return os << "{" << f.url << " @" << f.offset << "}";
}

std::vector<Found> All(std::string_view line) {
  std::vector<Found> out;
  ForEachUrl(line, [&](const FoundUrl& f) {
    out.push_back({f.url, f.offset});
    return true;
  });
  return out;
}

std::vector<std::string> Urls(std::string_view line) {
  std::vector<std::string> out;
  for (const Found& f : All(line)) out.push_back(f.url);
  return out;
}

using V = std::vector<std::string>;

TEST(UrlExtractorTest, BareUrlsInProseLoseTheSentencesPunctuation) {
  EXPECT_EQ(Urls("See https://example.com/a."), V{"https://example.com/a"});
  EXPECT_EQ(Urls("https://a.example/, https://b.example/; and https://c.example:"),
            (V{"https://a.example/", "https://b.example/", "https://c.example"}));
  EXPECT_EQ(Urls("\"https://q.example/x\" or 'https://q.example/y'"),
            (V{"https://q.example/x", "https://q.example/y"}));
  EXPECT_EQ(Urls("Really? https://e.example/?! *https://f.example/* _https://g.example_"),
            (V{"https://e.example/", "https://f.example/", "https://g.example"}));
  EXPECT_EQ(Urls("HTTP://UPPER.EXAMPLE/Path"), V{"HTTP://UPPER.EXAMPLE/Path"});
}

TEST(UrlExtractorTest, ParenthesesAndBracketsCloseOnlyWhenUnbalanced) {
  EXPECT_EQ(Urls("(see https://en.wikipedia.org/wiki/Foo_(bar))."),
            V{"https://en.wikipedia.org/wiki/Foo_(bar)"});
  EXPECT_EQ(Urls("(https://x.example/a), next"), V{"https://x.example/a"});
  EXPECT_EQ(Urls("[a link https://x.example/b]"), V{"https://x.example/b"});
  EXPECT_EQ(Urls("http://[::1]:8080/status"), V{"http://[::1]:8080/status"});
}

TEST(UrlExtractorTest, MarkdownLinksEndAtTheirClosingParenthesis) {
  EXPECT_EQ(All("A [link](https://x.example/page.) here"),
            (std::vector<Found>{{"https://x.example/page.", 9}}));
  EXPECT_EQ(Urls("[t](https://x.example/a_(b)) [u](https://y.example \"Title\")"),
            (V{"https://x.example/a_(b)", "https://y.example"}));
  // The link text is a URL too: both are found, each where it is.
  EXPECT_EQ(All("[https://a.example](https://a.example/)"),
            (std::vector<Found>{{"https://a.example", 1}, {"https://a.example/", 20}}));
  EXPECT_EQ(Urls("![img](https://i.example/x.png)"), V{"https://i.example/x.png"});
}

TEST(UrlExtractorTest, AutolinksAndReferenceDefinitionsKeepEverything) {
  EXPECT_EQ(Urls("Binaries at <https://nodejs.org/download/release/>."),
            V{"https://nodejs.org/download/release/"});
  EXPECT_EQ(Urls("<https://x.example/a.>"), V{"https://x.example/a."});
  EXPECT_EQ(Urls("[ref]: https://x.example/end."), V{"https://x.example/end."});
  EXPECT_EQ(Urls("   [`Intl`]: https://developer.mozilla.org/Intl \"title\""),
            V{"https://developer.mozilla.org/Intl"});
  // Not at the start of a line: a bare URL after all.
  EXPECT_EQ(Urls("text [ref]: https://x.example/end."), V{"https://x.example/end"});
}

TEST(UrlExtractorTest, CodeSpansTablesAndQuotesEndTheUrl) {
  EXPECT_EQ(Urls("Use the link `https://github.com/search?q=author:ID+org:nodejs`"),
            V{"https://github.com/search?q=author:ID+org:nodejs"});
  EXPECT_EQ(Urls("| linux | [gcc](https://x.example/t)[^7] | https://y.example/ |"),
            (V{"https://x.example/t", "https://y.example/"}));
  EXPECT_EQ(Urls("DownloadString('https://boxstarter.org/bootstrapper.ps1'))"),
            V{"https://boxstarter.org/bootstrapper.ps1"});
  EXPECT_EQ(
      Urls("\xE2\x80\x9Chttps://curly.example/a\xE2\x80\x9D and https://nbsp.example\xC2\xA0x"),
      (V{"https://curly.example/a", "https://nbsp.example"}));
  EXPECT_EQ(Urls("https://de.wikipedia.org/wiki/K\xC3\xB6ln\xE3\x80\x82"),
            V{"https://de.wikipedia.org/wiki/K\xC3\xB6ln"});
}

TEST(UrlExtractorTest, HtmlAttributesEndAtTheirQuoteWithEntitiesDecoded) {
  EXPECT_EQ(All("<a href=\"https://x.example/?a=1&amp;b=2&#38;c=&#x33;\">x</a>"),
            (std::vector<Found>{{"https://x.example/?a=1&b=2&c=3", 9}}));
  EXPECT_EQ(Urls("<img src='https://i.example/a b.png'>"), V{"https://i.example/a b.png"});
  EXPECT_EQ(Urls("<a href = \"https://x.example/&nbsp;&unknown;\">"),
            V{"https://x.example/\xC2\xA0&unknown;"});
  EXPECT_EQ(Urls("<img srcset=\"https://i.example/1.png 1x, https://i.example/2.png 2x\">"),
            (V{"https://i.example/1.png", "https://i.example/2.png"}));
  // A DOCTYPE's quoted string is no attribute: it ends at the quote all the same.
  EXPECT_EQ(Urls("<!DOCTYPE html PUBLIC \"-//W3C\" \"http://www.w3.org/TR/x.dtd\">"),
            V{"http://www.w3.org/TR/x.dtd"});
  EXPECT_EQ(Urls("<p>https://x.example/?a=1&amp;b</p>"), V{"https://x.example/?a=1&amp;b"});
  EXPECT_EQ(Urls("see https://x.example/a&amp;"), V{"https://x.example/a"});
}

TEST(UrlExtractorTest, RoffEscapesAreUndone) {
  EXPECT_EQ(Urls(".UR https://example.com/some\\-page"), V{"https://example.com/some-page"});
  EXPECT_EQ(Urls("\\fBhttps://curl.se/docs/\\fP\\&."), V{"https://curl.se/docs/"});
  EXPECT_EQ(Urls("\\%https://x.example/\\(tiuser/a\\:b"), V{"https://x.example/~user/ab"});
  EXPECT_EQ(Urls("<\\fIhttps://x.example/\\fR>"), V{"https://x.example/"});
  EXPECT_EQ(Urls("Markdown: https://x.example/a\\_b\\_ end"), V{"https://x.example/a_b_"});
  EXPECT_EQ(Urls("continued https://x.example/a\\"), V{"https://x.example/a"});
}

TEST(UrlExtractorTest, OnlyHttpSchemesThatStartAWord) {
  EXPECT_EQ(Urls("git+https://x.example/r xhttp://y.example ftp://z.example"), V{});
  EXPECT_EQ(Urls("https:// alone, http://."), V{});
  EXPECT_EQ(Urls("https://web.archive.org/web/2020/https://x.example/a"),
            V{"https://web.archive.org/web/2020/https://x.example/a"});
  EXPECT_EQ(Urls("u=https://a.example/?next=https://b.example/"),
            V{"https://a.example/?next=https://b.example/"});
}

TEST(UrlExtractorTest, EachUrlIsWrittenAtItsOffset) {
  const std::string line =
      "x <https://a.example/> [b](https://b.example/(1)) href=\"https://c.example/?a&amp;b\" "
      "https://d.example/\\-x.";
  std::vector<std::string> raw;
  ForEachUrl(line, [&](const FoundUrl& f) {
    raw.push_back(line.substr(f.offset, f.length));
    return true;
  });
  EXPECT_EQ(raw, (V{"https://a.example/", "https://b.example/(1)", "https://c.example/?a&amp;b",
                    "https://d.example/\\-x"}));
  EXPECT_EQ(Urls(line), (V{"https://a.example/", "https://b.example/(1)", "https://c.example/?a&b",
                           "https://d.example/-x"}));
}

TEST(UrlExtractorTest, ColumnsCountCharacters) {
  EXPECT_EQ(ColumnOf("abc", 0), 1u);
  EXPECT_EQ(ColumnOf("abc", 2), 3u);
  EXPECT_EQ(ColumnOf("K\xC3\xB6ln https://x", 6), 6u);  // ö is one character
  EXPECT_EQ(ColumnOf("\xFF\xFE https://x", 3), 4u);     // a stray byte counts as one
}

}  // namespace
}  // namespace fetchpool
