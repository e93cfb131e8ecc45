#include "fetchpool/util/redact.hpp"

#include <gtest/gtest.h>

#include "fetchpool/util/argv_redaction.hpp"

namespace fetchpool {
namespace {

TEST(RedactUrlTest, HidesThePasswordAndKeepsTheRest) {
  EXPECT_EQ(RedactUrl("https://alice:s3cret@example.com/a?b#c"),
            "https://alice:***@example.com/a?b#c");
  EXPECT_EQ(RedactUrl("http://u:p%40ss@h:8080/"), "http://u:***@h:8080/");
  EXPECT_EQ(RedactUrl("HTTPS://a:b@H/"), "HTTPS://a:***@H/");
}

TEST(RedactUrlTest, AUserNameAloneMayBeATokenAndGoesToo) {
  EXPECT_EQ(RedactUrl("https://ghp_TOKEN@github.com/x"), "https://***@github.com/x");
}

TEST(RedactUrlTest, TakesTheLastAtOfTheAuthoritySoNothingOfAnAtInThePasswordShows) {
  EXPECT_EQ(RedactUrl("http://u:p@ss@host/path@x"), "http://u:***@host/path@x");
}

TEST(RedactUrlTest, LeavesUrlsWithoutCredentialsAlone) {
  for (const char* url : {"https://example.com/", "https://example.com/a@b", "https://h/?q=a@b",
                          "https://h/#a@b", "https://@h/", "https://u:@h/", "not a url", ""}) {
    EXPECT_EQ(RedactUrl(url), url) << url;
    EXPECT_FALSE(UrlHasSecret(url)) << url;
  }
}

TEST(RedactUrlTest, InTextEachUrlIsRedactedAndTheWordsAroundItStay) {
  EXPECT_EQ(RedactUrlsIn(R"(--header: expected "Name: value", "Name:", "Name;" or @FILE)"),
            R"(--header: expected "Name: value", "Name:", "Name;" or @FILE)");
  EXPECT_EQ(RedactUrlsIn("not expected: https://u:pw@h/a and\thttp://TOKEN@g/ ok\n"),
            "not expected: https://u:***@h/a and\thttp://***@g/ ok\n");
  EXPECT_EQ(RedactUrlsIn("cannot open 'http://u:pw@h/ x': No such file"),
            "cannot open 'http://u:***@h/ x': No such file");
  EXPECT_EQ(RedactUrlsIn("(<\"`http://TOKEN@h/`\">)"), "(<\"`http://***@h/`\">)");
  EXPECT_EQ(RedactUrlsIn(""), "");
}

TEST(RedactUrlTest, IsIdempotent) {
  const std::string once = RedactUrl("https://alice:s3cret@example.com/");
  EXPECT_EQ(RedactUrl(once), once);
  EXPECT_FALSE(UrlHasSecret(once));
  EXPECT_EQ(RedactUrl("https://***@h/"), "https://***@h/");
}

TEST(RedactUrlTest, ARedactedUrlIsKnownAsSuch) {
  for (const char* url : {"https://alice:s3cret@example.com/", "https://TOKEN@github.com/"}) {
    EXPECT_FALSE(UrlWasRedacted(url)) << url;
    EXPECT_TRUE(UrlWasRedacted(RedactUrl(url))) << url;
  }
  for (const char* url : {"https://example.com/", "https://h/?q=***@b", "https://u:@h/", ""}) {
    EXPECT_FALSE(UrlWasRedacted(url)) << url;
  }
}

TEST(RedactUrlTest, AUrlWithoutSchemeIsRedactedToo) {
  EXPECT_EQ(RedactUrl("alice:s3cret@example.com/x"), "alice:***@example.com/x");
}

TEST(SecretSetTest, ScrubsEveryOccurrenceLongestFirst) {
  SecretSet secrets;
  secrets.AddHeader("Authorization: Bearer TOPSECRET");
  secrets.AddCredentials("alice:s3cret");
  std::string text = "sent Bearer TOPSECRET and TOPSECRET; alice:s3cret, s3cret";
  secrets.Scrub(text);
  EXPECT_EQ(text, "sent *** and ***; ***, ***");
}

TEST(SecretSetTest, IgnoresValuesTooShortToHideAnything) {
  SecretSet secrets;
  secrets.AddHeader("X-Debug: 1");
  secrets.AddHeader("Accept:");
  EXPECT_TRUE(secrets.empty());
  EXPECT_EQ(secrets.Scrubbed("HTTP 1"), "HTTP 1");
}

RedactedArguments Redact(std::vector<std::string> args) {
  return RedactArguments(args, [](std::string_view name) {
    return name == "user" || name == "header" || name == "proxy" || name == "workers" ||
           name == "quiet" || name == "user-agent";
  });
}

TEST(RedactArgumentsTest, RedactsEverySpellingOfUserHeaderAndProxy) {
  const RedactedArguments r = Redact({"-u",
                                      "alice:pw1x",
                                      "--user=bob:pw2x",
                                      "-ucarol:pw3x",
                                      "-ku",
                                      "dave:pw4x",
                                      "-user=eve:pw5x",
                                      "-H",
                                      "Authorization: Bearer tok1",
                                      "--header",
                                      "X-Key: tok2",
                                      "-HX-Other: tok3",
                                      "--proxy",
                                      "http://p:proxypw@proxy:3128",
                                      "-H",
                                      "@headers.txt",
                                      "-H",
                                      "Accept:",
                                      "--workers",
                                      "4",
                                      "-quiet",
                                      "-user-agent=bot (a@b)",
                                      "--",
                                      "-u"});
  const std::vector<std::string> want = {"-u",
                                         "alice:***",
                                         "--user=bob:***",
                                         "-ucarol:***",
                                         "-ku",
                                         "dave:***",
                                         "-user=eve:***",
                                         "-H",
                                         "Authorization: ***",
                                         "--header",
                                         "X-Key: ***",
                                         "-HX-Other: ***",
                                         "--proxy",
                                         "http://p:***@proxy:3128",
                                         "-H",
                                         "@headers.txt",
                                         "-H",
                                         "Accept:",
                                         "--workers",
                                         "4",
                                         "-quiet",
                                         "-user-agent=bot (a@b)",
                                         "--",
                                         "-u"};
  EXPECT_EQ(r.args, want);
  for (const char* secret :
       {"pw1x", "pw2x", "pw3x", "pw4x", "pw5x", "Bearer tok1", "tok2", "tok3", "proxypw"}) {
    EXPECT_EQ(r.secrets.Scrubbed(secret), "***") << secret;
  }
}

TEST(RedactArgumentsTest, AHeaderValueWithoutAColonIsHiddenWhole) {
  EXPECT_EQ(Redact({"-H", "Bearer abcdef"}).args, (std::vector<std::string>{"-H", "***"}));
}

TEST(RedactArgumentsTest, UrlsAnywhereLoseTheirPasswords) {
  EXPECT_EQ(Redact({"https://a:b1234@h/"}).args, (std::vector<std::string>{"https://a:***@h/"}));
}

}  // namespace
}  // namespace fetchpool
