// Bot walls: one test per sign of the table, each shown the response that sign describes and the
// ordinary responses it must not mistake for a wall.
#include "fetchpool/verdict/bot_walls.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "fetchpool/util/text.hpp"
#include "fetchpool/verdict/verdict.hpp"

namespace fetchpool::verdict {
namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The response `sign` describes: its status (403 when any suspect status will do), its header
// (with the value in another case, as servers send it) and its body marker inside a page.
TransferFacts ResponseOf(const BotWallSign& sign) {
  TransferFacts f;
  const bool header_only = sign.body.empty() && sign.status == 0 && sign.header != "server";
  f.http_status = sign.status != 0 ? sign.status : header_only ? 200 : 403;
  if (!sign.header.empty()) {
    f.headers.push_back(
        {std::string(sign.header), sign.value.empty() ? "1" : "x " + Upper(sign.value) + " y"});
  }
  if (!sign.body.empty()) {
    f.body_start = "<!DOCTYPE html><html><head>" + Upper(sign.body) + "</head></html>";
  }
  return f;
}

class BotWallSignTest : public ::testing::TestWithParam<std::size_t> {
 protected:
  const BotWallSign& sign() const { return BotWallSigns()[GetParam()]; }
};

TEST_P(BotWallSignTest, RecognisesItsResponseAndNamesTheProvider) {
  const TransferFacts f = ResponseOf(sign());
  ASSERT_TRUE(SignHolds(sign(), f, AsciiLower(f.body_start))) << sign().source;
  EXPECT_EQ(RecognizeBotWall(f), sign().provider) << sign().source;
}

TEST_P(BotWallSignTest, NeedsEveryPartOfTheSign) {
  TransferFacts f = ResponseOf(sign());
  if (!sign().header.empty()) {
    TransferFacts no_header = f;
    no_header.headers.clear();
    EXPECT_FALSE(SignHolds(sign(), no_header, AsciiLower(no_header.body_start)));
    if (!sign().value.empty()) {
      TransferFacts other_value = f;
      other_value.headers[0].value = "something-else";
      EXPECT_FALSE(SignHolds(sign(), other_value, AsciiLower(other_value.body_start)));
    }
  }
  if (!sign().body.empty()) {
    TransferFacts no_marker = f;
    no_marker.body_start = "<html><title>403 Forbidden</title></html>";
    EXPECT_FALSE(SignHolds(sign(), no_marker, AsciiLower(no_marker.body_start)));
  }
}

// A header only a challenge carries is a wall on any status (AWS WAF's CAPTCHA is a 405, its
// challenge a 202); a page's marker only on a status walls answer with.
TEST_P(BotWallSignTest, TheStatusMattersOnlyForPageMarkers) {
  const bool header_only = sign().body.empty() && sign().status == 0 && sign().header != "server";
  for (long status : {200L, 202L, 404L, 405L, 410L, 500L}) {
    TransferFacts f = ResponseOf(sign());
    f.http_status = status;
    EXPECT_EQ(SignHolds(sign(), f, AsciiLower(f.body_start)), header_only) << status;
  }
}

std::string SignName(const ::testing::TestParamInfo<std::size_t>& info) {
  std::string name = std::to_string(info.param) + "_";
  for (char c : BotWallSigns()[info.param].provider) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) name += c;
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(EverySign, BotWallSignTest,
                         ::testing::Range<std::size_t>(0, BotWallSigns().size()), SignName);

TEST(BotWallsTest, AnOrdinaryForbiddenBehindACdnIsNoWall) {
  TransferFacts f;
  f.http_status = 403;
  f.headers = {{"server", "cloudflare"}};
  f.body_start = "<html><head><title>403 Forbidden</title></head><body>nginx</body></html>";
  EXPECT_EQ(RecognizeBotWall(f), std::nullopt);
  f.headers = {{"server", "AkamaiGHost"}};
  f.http_status = 503;  // Akamai's own outage page carries the same reference link
  f.body_start =
      "Service Unavailable <P>Reference&#32;&#35;18 https&#58;&#47;&#47;errors&#46;"
      "edgesuite&#46;net";
  EXPECT_EQ(RecognizeBotWall(f), std::nullopt);
  f.http_status = 403;
  EXPECT_EQ(RecognizeBotWall(f), "Akamai");
}

TEST(BotWallsTest, TheFetcherIsAskedForExactlyWhatTheSignsRead) {
  const ResponseNotes& notes = BotWallNotes();
  EXPECT_EQ(&notes, &Judge::NotesWanted());
  for (const BotWallSign& sign : BotWallSigns()) {
    if (sign.header.empty()) continue;
    const bool always =
        std::find(notes.headers.begin(), notes.headers.end(), sign.header) != notes.headers.end();
    const bool suspect = std::find(notes.suspect_headers.begin(), notes.suspect_headers.end(),
                                   sign.header) != notes.suspect_headers.end();
    EXPECT_TRUE(always || suspect) << sign.header;
  }
  // Ordinary responses carry "server": it is noted only on a status walls answer with.
  EXPECT_EQ(std::find(notes.headers.begin(), notes.headers.end(), "server"), notes.headers.end());
  for (long status : {401L, 403L, 429L, 503L}) EXPECT_TRUE(notes.Suspect(status)) << status;
  for (long status : {200L, 301L, 404L, 500L}) EXPECT_FALSE(notes.Suspect(status)) << status;
  EXPECT_EQ(notes.body_bytes, kBodyBytes);
}

}  // namespace
}  // namespace fetchpool::verdict
