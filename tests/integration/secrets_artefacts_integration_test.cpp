// Point 1 of issue 23, end to end: a run given secrets every way there is (-u, -H, -H @FILE,
// --proxy, a URL's user:password@, the config's ${NAME} values) leaves none of them in any
// artefact: stdout in every format, stderr, the state file (with its WAL), every report. And a
// URL with a password is still cached and resumed under --state.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "state_test_util.hpp"
#include "support/secrets_integration.hpp"

namespace fetchpool::testing {
namespace {

const std::vector<std::string> kSecrets = {"s3cretPW1",   "TOPSECRET-hdr", "url-pass-77",
                                           "proxy-pw-88", "env-token-99",  "cfg-user-pw-55",
                                           "hdrfile-66",  "tok-only-44"};

// Every place of `text` where a secret shows, for the failure message.
std::string Leaks(const std::string& where, const std::string& text) {
  std::string found;
  for (const std::string& secret : kSecrets) {
    if (text.find(secret) != std::string::npos) found += where + " contains " + secret + "\n";
  }
  return found;
}

class SecretArtefactsTest : public SecretsTest {
 protected:
  // The list: ok, failing, redirected, invalid and cached URLs, several with credentials.
  std::string Urls() const {
    return At("alice:url-pass-77@127.0.0.1", "/size/10") + "\n" +
           At("tok-only-44@127.0.0.1", "/status/404") + "\n" +
           // (The Location's password is in this URL's query, so it is no secret of the run.)
           RedirectTo("127.0.0.1", At("bob:in-the-query@localhost", "/status/500")) + "\n" +
           "bob:url-pass-77@no-scheme.example/x\n" + At("127.0.0.1", "/status/401") + "\n" +
           "http://carol:url-pass-77@127.0.0.1:" + std::to_string(RefusedPort()) + "/\n";
  }
  std::vector<std::string> Args(const std::string& tag) const {
    const std::string config = dir_.Write("c.toml", R"(
user = "cfg:cfg-user-pw-55"
[hosts."localhost"]
headers = ["X-Env-Token: ${ENV_TOKEN}"]
)");
    const std::string header_file = dir_.Write("h.txt", "X-From-File: hdrfile-66\n");
    return {"--config",
            config,
            "-u",
            "alice:s3cretPW1",
            "-H",
            "Authorization: Bearer TOPSECRET-hdr",
            "-H",
            "@" + header_file,
            "--state",
            dir_ / "state.db",
            "--junit",
            dir_ / (tag + ".xml"),
            "--markdown",
            dir_ / (tag + ".md"),
            "--sarif",
            dir_ / (tag + ".sarif"),
            "--codequality",
            dir_ / (tag + ".cq.json"),
            "--html",
            dir_ / (tag + ".html"),
            "--retries",
            "1",
            "--retry-wait",
            "0",
            "--max-cache-age",
            "1h"};
  }
  std::string Everything(const ProcessResult& r) const {
    std::string leaks = Leaks("stdout", r.out) + Leaks("stderr", r.err);
    for (const std::string& name : dir_.List()) {
      if (name == "c.toml" || name == "h.txt") continue;  // the user's own inputs
      leaks += Leaks(name, ReadFile(dir_ / name));
    }
    return leaks;
  }
  const std::vector<std::pair<std::string, std::string>> env_ = {{"ENV_TOKEN", "env-token-99"}};
};

TEST_F(SecretArtefactsTest, NoArtefactOfARunWithSecretsContainsThem) {
  std::vector<std::string> annotated = Args("text");
  annotated.insert(annotated.end(), {"--annotate", "github"});
  const ProcessResult text = Run(annotated, Urls(), env_);
  EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
  EXPECT_TRUE(Has(text.out, "http://alice:***@127.0.0.1:")) << text.out;
  EXPECT_TRUE(Has(text.out, "http://***@127.0.0.1:")) << text.out;
  EXPECT_TRUE(Has(text.out, "bob:***@no-scheme.example/x")) << text.out;
  std::vector<std::string> verbose = Args("verbose");
  verbose.push_back("-v");
  const ProcessResult v = Run(verbose, Urls(), env_);
  EXPECT_TRUE(Has(v.out, "-> http://bob:***@localhost:")) << v.out;  // the effective URL
  std::vector<std::string> json = Args("jsonl");
  json.insert(json.end(), {"--format", "jsonl", "--stats", "--host-stats"});
  const ProcessResult j = Run(json, Urls(), env_);
  EXPECT_EQ(j.exit_code, 1) << j.err;
  std::vector<std::string> csv = Args("csv");
  csv.insert(csv.end(), {"--format", "csv"});
  const ProcessResult c = Run(csv, Urls(), env_);
  EXPECT_EQ(c.exit_code, 1) << c.err;
  // The proxy's password, and a failure through it.
  std::vector<std::string> proxied = Args("proxy");
  proxied.insert(proxied.end(), {"--proxy", "http://puser:proxy-pw-88@127.0.0.1:" +
                                                std::to_string(RefusedPort())});
  const ProcessResult p = Run(proxied, Urls(), env_);
  EXPECT_EQ(p.exit_code, 1) << p.out << p.err;
  const std::string leaks =
      Everything(text) + Everything(v) + Everything(j) + Everything(c) + Everything(p);
  EXPECT_EQ(leaks, "");
  // The state recorded every run's command line, redacted.
  StateFile db(dir_ / "state.db");
  EXPECT_EQ(db.Int("SELECT count(*) FROM runs"), 5);
  const std::string arguments = db.Text("SELECT arguments FROM runs WHERE id = 5");
  EXPECT_TRUE(Has(arguments, "\"alice:***\"")) << arguments;
  EXPECT_TRUE(Has(arguments, "\"Authorization: ***\"")) << arguments;
  EXPECT_TRUE(Has(arguments, "\"http://puser:***@127.0.0.1:")) << arguments;
}

TEST_F(SecretArtefactsTest, AUrlWithAPasswordIsCachedAndResumedByItsRedactedForm) {
  const std::string url = At("alice:url-pass-77@127.0.0.1", "/size/10");
  const std::vector<std::string> args = {"--state", dir_ / "state.db", "--max-cache-age", "1h"};
  EXPECT_EQ(Run(args, url + "\n").exit_code, 0);
  const ProcessResult again = Run(args, url + "\n");
  EXPECT_TRUE(Has(again.out, "[OK]   " + At("alice:***@127.0.0.1", "/size/10") + " (0.0KB, "))
      << again.out;
  EXPECT_TRUE(Has(again.out, "cached")) << again.out;
  // A new password for the same URL keeps its history.
  const ProcessResult rotated = Run(args, At("alice:new-pass@127.0.0.1", "/size/10") + "\n");
  EXPECT_TRUE(Has(rotated.out, "cached")) << rotated.out;
  EXPECT_EQ(server_.request_count(), 1u);
  StateFile db(dir_ / "state.db");
  EXPECT_EQ(db.Text("SELECT CAST(url AS TEXT) FROM urls"), At("alice:***@127.0.0.1", "/size/10"));
  EXPECT_EQ(Leaks("state", ReadFile(dir_ / "state.db") + ReadFile(dir_ / "state.db-wal")), "");
}

TEST_F(SecretArtefactsTest, ErrorMessagesDoNotEchoSecrets) {
  const ProcessResult bad_header = Run({"-H", "Bearer TOPSECRET-hdr"}, "");
  EXPECT_EQ(bad_header.exit_code, 2);
  EXPECT_EQ(Leaks("stderr", bad_header.err), "") << bad_header.err;
  const ProcessResult bad_proxy = Run({"--proxy", "ftp://u:proxy-pw-88@p"}, "");
  EXPECT_EQ(bad_proxy.exit_code, 2);
  EXPECT_TRUE(Has(bad_proxy.err, "ftp://u:***@p")) << bad_proxy.err;
  EXPECT_EQ(Leaks("stderr", bad_proxy.err), "") << bad_proxy.err;
  const ProcessResult extra = Run({"-u", "alice:s3cretPW1", "--workers", "x"}, "");
  EXPECT_EQ(extra.exit_code, 2);
  EXPECT_EQ(Leaks("stderr", extra.err), "") << extra.err;
  // A URL where a list file belongs: "cannot open" names it without its password.
  const ProcessResult url_as_file = Run({"https://alice:url-pass-77@127.0.0.1/"}, "");
  EXPECT_EQ(url_as_file.exit_code, 2);
  EXPECT_TRUE(Has(url_as_file.err, "cannot open 'https://alice:***@127.0.0.1/'"))
      << url_as_file.err;
  EXPECT_EQ(Leaks("stderr", url_as_file.err), "") << url_as_file.err;
  // The text around a value is never taken for a URL's user information: the reason stays whole.
  const ProcessResult no_colon = Run({"-H", "no colon"}, "");
  EXPECT_TRUE(Has(no_colon.err, "\"Name;\" or @FILE")) << no_colon.err;
}

}  // namespace
}  // namespace fetchpool::testing
