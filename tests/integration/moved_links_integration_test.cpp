// Links that moved, end to end: the real binary against a loopback nginx answering with 301, 308,
// 302, 303, 307, an http -> https upgrade, an added trailing slash and a chain. Each result carries
// its redirect chain; a first permanent redirect elsewhere is `moved`, an upgrade only
// `upgraded`; --warn moved warns; --rewrite writes the list fixed, checked with diff.
#include <gtest/gtest.h>

#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ci_report_checks.hpp"
#include "support/cli_runner.hpp"
#include "support/output_integration.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"
#include "support/tls_servers.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;

constexpr char kLocations[] = R"(
    location = /old { return 301 /new; }
    location = /relative { absolute_redirect off; return 301 /new; }
    location = /perm { return 308 /new; }
    location = /temp { return 302 /new; }
    location = /see-other { return 303 /new; }
    location = /temp307 { return 307 /new; }
    location = /upgrade {
      if ($scheme = http) { return 301 https://127.0.0.1:@TLS_PORT@$request_uri; }
      return 200 "upgraded\n";
    }
    location = /dir { return 301 /dir/; }
    location = /chain { return 301 /chain-b; }
    location = /chain-b { return 308 /chain-c; }
    location = /chain-c { return 302 /landing; }
    location = /gone { return 301 /missing; }
    location = /missing { return 404; }
)";

class MovedLinksTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string nginx = FindProgram("nginx");
    if (nginx.empty()) {
      skip_reason_ = "needs nginx (scripts/install-deps.sh installs it)";
      return;
    }
    try {
      pki_dir_ = std::make_unique<TempDir>();
      pki_ = std::make_unique<TestPki>(TestPki::Generate(pki_dir_->path()));
      nginx_ = std::make_unique<NginxServer>(nginx, *pki_, kLocations);
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    nginx_.reset();
    pki_.reset();
    pki_dir_.reset();
  }
  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  static std::string U(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(nginx_->plain_port()) + path;
  }
  static std::string Https(const std::string& path) {
    return "https://127.0.0.1:" + std::to_string(nginx_->tls_port()) + path;
  }
  // fetchpool trusting the test CA, and no CA or proxy variables of the machine's.
  static ProcessResult Fetch(std::vector<std::string> args, const std::string& urls = {}) {
    args.insert(args.begin(),
                {"--no-progress", "--ordered", "--retries", "0", "--cacert", pki_->ca.string()});
    SubprocessOptions opts;
    opts.env_unset = {"CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "http_proxy",
                      "https_proxy",    "HTTPS_PROXY",   "all_proxy",    "ALL_PROXY"};
    return RunFetchpool(std::move(args), urls, kRunTimeout, std::move(opts));
  }
  static ProcessResult Diff(const std::string& expected, const std::string& actual) {
    return RunCli("diff", {"-u", expected, actual});
  }

  inline static std::string skip_reason_;
  inline static std::string setup_error_;
  inline static std::unique_ptr<TempDir> pki_dir_;
  inline static std::unique_ptr<TestPki> pki_;
  inline static std::unique_ptr<NginxServer> nginx_;
};

TEST_F(MovedLinksTest, TextSaysWhatMovedAndWhatWasOnlyUpgraded) {
  const std::vector<std::string> paths = {"/old",     "/relative", "/perm", "/temp",  "/see-other",
                                          "/temp307", "/upgrade",  "/dir",  "/chain", "/gone"};
  std::string urls;
  for (const std::string& p : paths) urls += U(p) + "\n";
  const ProcessResult r = Fetch({}, urls);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << "the link that moved to a 404 is broken\n" << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), paths.size() + 1) << r.out;
  const std::string moved = ", moved \u2192 ";
  const std::string upgraded = ", upgraded \u2192 ";
  EXPECT_TRUE(lines[0].starts_with("[OK]   " + U("/old") + " (")) << lines[0];
  EXPECT_TRUE(lines[0].ends_with(moved + U("/new") + ")")) << lines[0];
  EXPECT_TRUE(lines[1].ends_with(moved + U("/new") + ")")) << "a relative Location: " << lines[1];
  EXPECT_TRUE(lines[2].ends_with(moved + U("/new") + ")")) << "308: " << lines[2];
  for (std::size_t i : {3u, 4u, 5u}) {
    EXPECT_TRUE(lines[i].starts_with("[OK]   ")) << lines[i];
    EXPECT_FALSE(Has(lines[i], "moved")) << "302, 303 and 307 are temporary: " << lines[i];
  }
  EXPECT_TRUE(lines[6].ends_with(upgraded + Https("/upgrade") + ")")) << lines[6];
  EXPECT_TRUE(lines[7].ends_with(upgraded + U("/dir/") + ")")) << lines[7];
  EXPECT_TRUE(lines[8].ends_with(moved + U("/chain-c") + ")"))
      << "the end of the permanent run, not where the 302 led: " << lines[8];
  EXPECT_TRUE(lines[9].starts_with("[FAIL] " + U("/gone") + " (HTTP 404, ")) << lines[9];
  EXPECT_TRUE(lines[10].starts_with("Summary: 10 total, 9 ok, 1 failed, 4 moved, ")) << lines[10];
}

TEST_F(MovedLinksTest, JsonCarriesEveryHopOfTheChain) {
  const ProcessResult r = Fetch(
      {"--json"}, U("/chain") + "\n" + U("/upgrade") + "\n" + U("/temp") + "\n" + U("/") + "\n");
  const std::vector<Json> records = ResultsAndSummary(r.out);
  ASSERT_EQ(records.size(), 5u) << r.out;
  EXPECT_EQ(
      records[0]["redirects"],
      Json::parse(R"([{"status":301,"url":")" + U("/chain-b") + R"("},{"status":308,"url":")" +
                  U("/chain-c") + R"("},{"status":302,"url":")" + U("/landing") + R"("}])"));
  EXPECT_EQ(records[0]["moved_to"], U("/chain-c"));
  EXPECT_TRUE(records[0]["upgraded_to"].is_null());
  EXPECT_EQ(records[0]["ok"], true);
  EXPECT_TRUE(records[0]["error_kind"].is_null());
  EXPECT_EQ(records[1]["upgraded_to"], Https("/upgrade"));
  EXPECT_TRUE(records[1]["moved_to"].is_null());
  EXPECT_EQ(records[2]["redirects"].size(), 1u);
  EXPECT_TRUE(records[2]["moved_to"].is_null());
  EXPECT_EQ(records[3]["redirects"], Json::array());
  EXPECT_EQ(records[4]["moved"], 1);
}

TEST_F(MovedLinksTest, AReportOfTheJsonShowsTheMovesAgain) {
  TempDir dir;
  const ProcessResult run =
      Fetch({"--json"}, U("/old") + "\n" + U("/upgrade") + "\n" + U("/chain") + "\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::string jsonl = dir.Write("run.jsonl", run.out);
  const ProcessResult report = RunFetchpool({"report", "--no-progress", "--json", jsonl}, "");
  ASSERT_EQ(report.exit_code, 0) << report.out << report.err;
  const std::vector<Json> records = ResultsAndSummary(report.out);
  ASSERT_EQ(records.size(), 4u) << report.out;
  EXPECT_EQ(records[0]["moved_to"], U("/new"));
  EXPECT_EQ(records[1]["upgraded_to"], Https("/upgrade"));
  EXPECT_EQ(records[2]["redirects"], ResultsAndSummary(run.out)[2]["redirects"])
      << "the chain comes through the merge";
  EXPECT_EQ(records[3]["moved"], 2);
  const ProcessResult text = RunFetchpool({"report", "--no-progress", jsonl}, "");
  EXPECT_TRUE(Has(text.out, ", moved \u2192 " + U("/new") + ")")) << text.out;
  EXPECT_TRUE(Has(text.out, "Summary: 3 total, 3 ok, 0 failed, 2 moved, ")) << text.out;
}

TEST_F(MovedLinksTest, WarnMovedMakesMovesWarningsOnly) {
  const ProcessResult r =
      Fetch({"--warn", "moved"}, U("/old") + "\n" + U("/upgrade") + "\n" + U("/temp") + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("[WARN] " + U("/old") + " (moved \u2192 " + U("/new") + ", "))
      << lines[0];
  EXPECT_TRUE(lines[1].starts_with("[OK]   ")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("[OK]   ")) << lines[2];
  EXPECT_TRUE(lines[3].starts_with("Summary: 3 total, 2 ok, 0 failed, 1 warned, 1 moved, "));
}

TEST_F(MovedLinksTest, TheChainIsBoundedByMaxRedirs) {
  const ProcessResult r = Fetch({"--json", "--max-redirs", "1"}, U("/chain") + "\n");
  const std::vector<Json> records = ResultsAndSummary(r.out);
  ASSERT_EQ(records.size(), 2u) << r.out;
  EXPECT_EQ(records[0]["error_kind"], "too_many_redirects");
  EXPECT_EQ(records[0]["redirects"].size(), 1u);
}

TEST_F(MovedLinksTest, RewriteFixesTheListAndKeepsEveryOtherByte) {
  TempDir dir;
  const std::string list = "# Our links; this comment names " + U("/old") + " and stays\n\n" +
                           U("/old") + "\n" +                                               //
                           "  " + U("/relative") + "   status=200 contains=protocol\r\n" +  //
                           U("/temp") + "\n" + U("/upgrade") + "\n" +                       //
                           U("/chain") + " max-ms=60000\n" + U("/gone") + "\n" +            //
                           U("/old") + "#section\n" + U("/");
  const std::string expected =
      "# Our links; this comment names " + U("/old") + " and stays\n\n" + U("/new") + "\n" + "  " +
      U("/new") + "   status=200 contains=protocol\r\n" + U("/temp") + "\n" + U("/upgrade") + "\n" +
      U("/chain-c") + " max-ms=60000\n" + U("/gone") + "\n" + U("/new") + "#section\n" + U("/");
  const std::string in = dir.Write("urls.txt", list);
  const std::string want = dir.Write("expected.txt", expected);
  ProcessResult r = Fetch({"--rewrite", dir / "fixed.txt", in});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // /gone is broken
  ProcessResult d = Diff(want, dir / "fixed.txt");
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_EQ(ReadFile(in), list) << "the input stays as it was";

  r = Fetch({"--rewrite", in, "--warn", "moved,404", in});  // in place
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  d = Diff(want, in);
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  r = Fetch({"--rewrite", in, in});
  EXPECT_TRUE(Has(r.out, "Summary: 8 total, 7 ok, 1 failed, ")) << r.out;
  EXPECT_FALSE(Has(r.out, "moved")) << "a fixed list has nothing left to move\n" << r.out;
  d = Diff(want, in);
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"expected.txt", "fixed.txt", "urls.txt"}))
      << "no temporary file left behind";
}

TEST_F(MovedLinksTest, RewriteSuffixGivesEachListItsOwnCopy) {
  TempDir dir;
  const std::string a = dir.Write("a.txt", U("/old") + "\n" + U("/") + "\n");
  const std::string b = dir.Write("b.txt", "# b\n" + U("/perm") + "\n");
  ProcessResult r = Fetch({"--rewrite", dir / "fixed.txt", a, b});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "--rewrite-suffix")) << r.err;
  EXPECT_EQ(r.out, "") << "refused before anything was fetched";

  r = Fetch({"--rewrite-suffix", ".fixed", a, b});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ReadFile(a + ".fixed"), U("/new") + "\n" + U("/") + "\n");
  EXPECT_EQ(ReadFile(b + ".fixed"), "# b\n" + U("/new") + "\n");

  r = Fetch({"--rewrite", dir / "fixed.txt"}, U("/old") + "\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "standard input")) << r.err;
  r = Fetch({"--rewrite", dir / "no-such-dir/fixed.txt", a});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "--rewrite: cannot write beside")) << r.err;
  r = Fetch({"--rewrite", dir.path(), a});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "Is a directory")) << r.err;
  EXPECT_EQ(r.out, "") << "refused before anything was fetched";
}

TEST_F(MovedLinksTest, MarkdownAndHtmlShowTheChains) {
  TempDir dir;
  const ProcessResult r = Fetch({"--markdown", dir / "r.md", "--html", dir / "r.html"},
                                U("/chain") + "\n" + U("/dir") + "\n" + U("/gone") + "\n");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const Json md = RenderedMarkdown(dir / "r.md");
  ASSERT_TRUE(md.is_object());
  for (const char* renderer : {"python", "gfm"}) {
    SCOPED_TRACE(renderer);
    const Json& tables = md[renderer]["tables"];
    ASSERT_GE(tables.size(), 3u);
    EXPECT_EQ(tables[1]["rows"][0][2], "HTTP 404 (redirects: 301 \u2192 " + U("/missing") + ")");
    const Json& moved = tables[2];
    EXPECT_EQ(moved["header"], Json::parse(R"(["Input","URL","Moved to","Redirects"])"));
    ASSERT_EQ(moved["rows"].size(), 1u);
    EXPECT_EQ(moved["rows"][0][2], U("/chain-c"));
    EXPECT_EQ(moved["rows"][0][3], "301 \u2192 " + U("/chain-b") + ", 308 \u2192 " + U("/chain-c") +
                                       ", 302 \u2192 " + U("/landing"));
    EXPECT_TRUE(Has(md[renderer]["paragraphs"].dump(), "1 link was only upgraded"));
  }
  const std::string html = ReadFile(dir / "r.html");
  EXPECT_TRUE(Has(html, R"("moved","",")" + U("/chain-c") + "\""));
  EXPECT_TRUE(Has(html, "moved links"));
}

}  // namespace
}  // namespace fetchpool::testing
