// Point 4 of issue 23, end to end: headers and credentials from the command line go to each
// listed URL's own host, a config section's to that section's hosts, a redirect to another host
// carries none of them (unless --location-trusted), netrc credentials go to their own host.
#include <gtest/gtest.h>

#include <string>

#include "support/secrets_integration.hpp"

namespace fetchpool::testing {
namespace {

// "Basic BASE64" of user:password, as the server saw it.
std::string Basic(const std::string& user_password) {
  static const char* const kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (const unsigned char c : user_password) {
    value = (value << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(value >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(value << (6 - bits)) & 63];
  while (out.size() % 4 != 0) out += '=';
  return "Authorization: Basic " + out;
}

TEST_F(SecretsTest, AScopedHeaderArrivesOnlyAtItsHost) {
  const std::string config = Config(R"(
[hosts."127.0.0.1"]
headers = ["X-Api-Key: ${API_KEY}"]
[hosts."*.mirror.localhost"]
user = "ci:${MIRROR_PASSWORD}"
)");
  const std::vector<std::pair<std::string, std::string>> env = {{"API_KEY", "key-for-127"},
                                                                {"MIRROR_PASSWORD", "mirror-pw"}};
  const std::string at_127 = SentBy(At("127.0.0.1", "/headers"), {"--config", config}, env);
  EXPECT_TRUE(Has(at_127, "X-Api-Key: key-for-127\n"));
  EXPECT_FALSE(Has(at_127, "Authorization"));
  const std::string at_localhost = SentBy(At("localhost", "/headers"), {"--config", config}, env);
  EXPECT_FALSE(Has(at_localhost, "X-Api-Key")) << at_localhost;
  EXPECT_FALSE(Has(at_localhost, "Authorization")) << at_localhost;
  const std::string at_mirror =
      SentBy(At("a.b.mirror.localhost", "/headers"), {"--config", config}, env);
  EXPECT_TRUE(Has(at_mirror, Basic("ci:mirror-pw") + "\n")) << at_mirror;
  EXPECT_FALSE(Has(at_mirror, "X-Api-Key")) << at_mirror;
  EXPECT_FALSE(
      Has(SentBy(At("mirror.localhost", "/headers"), {"--config", config}, env), "Authorization"));
}

TEST_F(SecretsTest, ARedirectToTheOtherHostCarriesNoHeaderOrCredentialTheUserGave) {
  const std::string config = Config(R"(
[hosts."127.0.0.1"]
headers = ["X-Section: section-secret"]
user = "section:pw"
)");
  const std::vector<std::string> args = {
      "-H", "X-Cli: cli-secret", "-H", "Authorization: Bearer cli-token", "--config", config};
  // The listed host gets all of it (the section's credentials over -u)...
  const std::string direct = SentBy(At("127.0.0.1", "/headers"), args);
  EXPECT_TRUE(Has(direct, "X-Cli: cli-secret\n"));
  EXPECT_TRUE(Has(direct, "X-Section: section-secret\n"));
  EXPECT_TRUE(Has(direct, "Authorization: Bearer cli-token\n")) << direct;
  // ...and keeps it through a redirect on the same host...
  const std::string same = SentBy(RedirectTo("127.0.0.1", "/headers"), args);
  EXPECT_TRUE(Has(same, "X-Cli: cli-secret\n")) << same;
  EXPECT_TRUE(Has(same, "X-Section: section-secret\n")) << same;
  // ...but a redirect to another host carries none of it.
  const std::string other = SentBy(RedirectTo("127.0.0.1", At("localhost", "/headers")), args);
  EXPECT_TRUE(Has(other, "Host: localhost:")) << other;
  for (const char* leaked : {"X-Cli", "cli-secret", "X-Section", "section", "Authorization"}) {
    EXPECT_FALSE(Has(other, leaked)) << other;
  }
}

TEST_F(SecretsTest, ARedirectCarriesNoUserPasswordEither) {
  const std::string other =
      SentBy(RedirectTo("127.0.0.1", At("localhost", "/headers")), {"-u", "alice:s3cret"});
  EXPECT_FALSE(Has(other, "Authorization")) << other;
  const std::string same = SentBy(RedirectTo("127.0.0.1", "/headers"), {"-u", "alice:s3cret"});
  EXPECT_TRUE(Has(same, Basic("alice:s3cret") + "\n")) << same;
  // Nor a URL's own user:password@.
  const std::string url_credentials =
      SentBy(RedirectTo("alice:s3cret@127.0.0.1", At("localhost", "/headers")), {});
  EXPECT_FALSE(Has(url_credentials, "Authorization")) << url_credentials;
}

TEST_F(SecretsTest, ARedirectedRequestGetsItsNewHostsOwnSection) {
  const std::string config = Config(R"(
[hosts."localhost"]
headers = ["X-Localhost-Key: for-localhost"]
)");
  const std::string other = SentBy(RedirectTo("127.0.0.1", At("localhost", "/headers")),
                                   {"--config", config, "-H", "X-Cli: cli-secret"});
  EXPECT_TRUE(Has(other, "X-Localhost-Key: for-localhost\n")) << other;
  EXPECT_FALSE(Has(other, "X-Cli")) << other;
}

TEST_F(SecretsTest, LocationTrustedSendsTheCommandLinesOwnOnToAnyHost) {
  const std::string config = Config(R"(
[hosts."127.0.0.1"]
headers = ["X-Section: section-secret"]
)");
  const std::string other = SentBy(
      RedirectTo("127.0.0.1", At("localhost", "/headers")),
      {"--location-trusted", "-H", "X-Cli: cli-secret", "-u", "alice:s3cret", "--config", config});
  EXPECT_TRUE(Has(other, "X-Cli: cli-secret\n")) << other;
  EXPECT_TRUE(Has(other, Basic("alice:s3cret") + "\n")) << other;
  EXPECT_FALSE(Has(other, "X-Section")) << other;  // a section's stay with its hosts
}

TEST_F(SecretsTest, NetrcCredentialsGoToTheRightHost) {
  const std::string netrc = dir_.Write("netrc",
                                       "machine 127.0.0.1 login ip-user password ip-pass\n"
                                       "machine localhost\n  login \"name user\"\n  password "
                                       "name-pass\n");
  EXPECT_TRUE(Has(SentBy(At("127.0.0.1", "/headers"), {"--netrc-file", netrc}),
                  Basic("ip-user:ip-pass") + "\n"));
  EXPECT_TRUE(Has(SentBy(At("localhost", "/headers"), {"--netrc-file", netrc}),
                  Basic("name user:name-pass") + "\n"));
  EXPECT_FALSE(
      Has(SentBy(At("a.localhost", "/headers"), {"--netrc-file", netrc}), "Authorization"));
  // A redirect gets the netrc entry of the host it leads to, as curl does.
  EXPECT_TRUE(
      Has(SentBy(RedirectTo("127.0.0.1", At("localhost", "/headers")), {"--netrc-file", netrc}),
          Basic("name user:name-pass") + "\n"));
  // -u wins for the listed host.
  EXPECT_TRUE(Has(SentBy(At("127.0.0.1", "/headers"), {"--netrc-file", netrc, "-u", "cli:pw"}),
                  Basic("cli:pw") + "\n"));
  // --netrc reads ~/.netrc.
  dir_.Write(".netrc", "machine localhost login home password home-pass\n");
  EXPECT_TRUE(
      Has(SentBy(At("localhost", "/headers"), {"--netrc"}), Basic("home:home-pass") + "\n"));
}

TEST_F(SecretsTest, HeadersFromAFileOnePerLine) {
  const std::string file =
      dir_.Write("headers.txt", "X-One: first\r\n\nAuthorization: Bearer from-file\nX-Gone:\n");
  const std::string sent = SentBy(At("127.0.0.1", "/headers"), {"-H", "@" + file});
  EXPECT_TRUE(Has(sent, "X-One: first\n")) << sent;
  EXPECT_TRUE(Has(sent, "Authorization: Bearer from-file\n")) << sent;
  const std::string bad = dir_.Write("bad.txt", "X-One: fine\nBearer naked-token\n");
  const ProcessResult r = Run({"-H", "@" + bad}, At("127.0.0.1", "/headers") + "\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "fetchpool: -H @" + bad + ": " + bad +
                       ":2: expected \"Name: value\", \"Name:\" or \"Name;\"\n");
  EXPECT_EQ(server_.request_count(), 1u);  // the /headers above, nothing for this run
}

TEST_F(SecretsTest, AHeaderJustBeforeTheListFileLeavesTheFileAList) {
  const std::string list = dir_.Write("urls.txt", At("127.0.0.1", "/headers") + "\n");
  const ProcessResult r = Run({"-H", "X-One: 1", list}, "");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "Summary: 1 total, 1 ok")) << r.out;
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(SecretsTest, FlagsWinOverTheConfigsTopLevelAndSectionsOverBoth) {
  const std::string config = Config(R"(
headers = ["X-Who: file", "X-File: yes"]
accept = "200"
[hosts."localhost"]
headers = ["X-Who: section"]
accept = "200,404"
)");
  const std::string at_127 =
      SentBy(At("127.0.0.1", "/headers"), {"--config", config, "-H", "X-Who: flag"});
  EXPECT_TRUE(Has(at_127, "X-Who: flag\n")) << at_127;
  EXPECT_TRUE(Has(at_127, "X-File: yes\n")) << at_127;
  const std::string at_localhost =
      SentBy(At("localhost", "/headers"), {"--config", config, "-H", "X-Who: flag"});
  EXPECT_TRUE(Has(at_localhost, "X-Who: section\n")) << at_localhost;
  EXPECT_EQ(Count(at_localhost, "X-Who"), 1u) << at_localhost;
  // --accept per host: 404 is ok on localhost only.
  const ProcessResult r =
      Run({"--config", config, "--accept", "200-299"}, At("localhost", "/status/404") + "\n" +
                                                           At("127.0.0.1", "/status/404") + "\n" +
                                                           At("127.0.0.1", "/status/204") + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r.out, "[OK]   " + At("localhost", "/status/404"))) << r.out;
  EXPECT_TRUE(Has(r.out, "[FAIL] " + At("127.0.0.1", "/status/404"))) << r.out;
  EXPECT_TRUE(Has(r.out, "[OK]   " + At("127.0.0.1", "/status/204"))) << r.out;
}

TEST_F(SecretsTest, PerHostWarnAndLimitsComeFromTheSection) {
  const std::string config = Config(R"(
[hosts."localhost"]
warn = "5xx"
per-host = 1
)");
  std::string urls;
  for (int i = 0; i < 6; ++i) {
    urls += At("localhost", "/delay/30?i=" + std::to_string(i)) + "\n";
    urls += At("127.0.0.1", "/delay/30?i=" + std::to_string(i)) + "\n";
  }
  urls += At("localhost", "/status/503") + "\n" + At("127.0.0.1", "/status/500") + "\n";
  const ProcessResult r = Run({"--config", config, "-w", "8"}, urls);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "[WARN] " + At("localhost", "/status/503"))) << r.out;
  EXPECT_TRUE(Has(r.out, "[FAIL] " + At("127.0.0.1", "/status/500"))) << r.out;
  EXPECT_EQ(server_.max_in_flight_for_host("localhost"), 1);
}

}  // namespace
}  // namespace fetchpool::testing
