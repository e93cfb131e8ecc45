// Bot walls end to end: the real binary against a loopback nginx that answers like a bot wall
// (Cloudflare's challenge: 403, cf-mitigated: challenge and its page; DataDome's and Kasada's
// pages; AWS WAF's CAPTCHA header) and like an ordinary 403. The walls only warn, or fail with
// --strict; the ordinary 403 is real breakage. Every format and report names the kind.
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

// Challenge pages as the providers serve them, cut down to what identifies them. `pages`: a
// directory for the one page too long for an nginx string (a marker past the 8 KiB read).
std::string Locations(const std::string& pages) {
  return R"(
    location = /wall/cloudflare {
      default_type text/html;
      add_header cf-mitigated challenge always;
      return 403 '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body><noscript>Enable JavaScript and cookies to continue</noscript><script>(function(){window._cf_chl_opt={cvId: "3",cType: "managed"};}());</script></body></html>';
    }
    location = /wall/datadome {
      default_type text/html;
      return 403 '<html><head><title>example.com</title></head><body><script>var dd={"rt":"c","cid":"AHrlqAAAAAMA","t":"fe","s":1};</script><script src="https://ct.captcha-delivery.com/c.js"></script></body></html>';
    }
    location = /wall/kasada {
      default_type text/html;
      return 429 '<html><head></head><body><script>window.KPSDK={};KPSDK.now=Date.now;KPSDK.start=KPSDK.now();</script><script src="/149e9513/2d206a39/ips.js"></script></body></html>';
    }
    location = /wall/aws {
      add_header x-amzn-waf-action captcha always;
      return 405;
    }
    location = /wall/too-late {
      error_page 403 /too-late.html;
      return 403;
    }
    location = /too-late.html {
      internal;
      root )" +
         pages + R"(;
      default_type text/html;
    }
    location = /forbidden {
      return 403;
    }
    location = /forbidden-behind-cdn {
      default_type text/html;
      add_header cf-ray 8f1e2d3c4b5a6978-FRA always;
      add_header cf-cache-status DYNAMIC always;
      return 403 '<html><head><title>403 Forbidden</title></head><body>You may not read this page.</body></html>';
    }
)";
}

class BotWallsTest : public ::testing::Test {
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
      pki_dir_->Write("too-late.html", "<html><body>" + std::string(9000, 'x') +
                                           "<script>window._cf_chl_opt={};</script></body></html>");
      nginx_ = std::make_unique<NginxServer>(nginx, *pki_, Locations(pki_dir_->path()));
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
  static ProcessResult Fetch(std::vector<std::string> args, const std::string& urls) {
    args.insert(args.begin(), {"--no-progress", "--ordered", "--retries", "0"});
    return RunFetchpool(std::move(args), urls);
  }

  inline static std::string skip_reason_;
  inline static std::string setup_error_;
  inline static std::unique_ptr<TempDir> pki_dir_;
  inline static std::unique_ptr<TestPki> pki_;
  inline static std::unique_ptr<NginxServer> nginx_;
};

TEST_F(BotWallsTest, AWallWarnsWhileAnOrdinaryForbiddenFails) {
  const std::string urls = U("/wall/cloudflare") + "\n" + U("/wall/datadome") + "\n" +
                           U("/wall/kasada") + "\n" + U("/wall/aws") + "\n" + U("/forbidden") +
                           "\n" + U("/forbidden-behind-cdn") + "\n" + U("/") + "\n";
  const ProcessResult r = Fetch({}, urls);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << "the ordinary 403s fail the run\n" << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  const std::vector<std::string> expected = {
      "[WARN] " + U("/wall/cloudflare") + " (blocked by bot protection (Cloudflare), ",
      "[WARN] " + U("/wall/datadome") + " (blocked by bot protection (DataDome), ",
      "[WARN] " + U("/wall/kasada") + " (blocked by bot protection (Kasada), ",
      "[WARN] " + U("/wall/aws") + " (blocked by bot protection (AWS WAF), ",
      "[FAIL] " + U("/forbidden") + " (HTTP 403, ",
      "[FAIL] " + U("/forbidden-behind-cdn") + " (HTTP 403, ",
      "[OK]   " + U("/") + " (",
      "Summary: 7 total, 1 ok, 2 failed, 4 warned, 4 blocked, ",
  };
  ASSERT_EQ(lines.size(), expected.size()) << r.out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(lines[i].starts_with(expected[i])) << i << ": " << lines[i];
  }
}

TEST_F(BotWallsTest, WallsAloneExitZeroAndStrictMakesThemFail) {
  const std::string urls = U("/wall/cloudflare") + "\n" + U("/wall/kasada") + "\n";
  ProcessResult r = Fetch({}, urls);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Fetch({"--strict"}, urls);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(
      Has(r.out, "[FAIL] " + U("/wall/cloudflare") + " (blocked by bot protection (Cloudflare), "));
  EXPECT_TRUE(Has(r.out, "Summary: 2 total, 0 ok, 2 failed, 2 blocked, "));
  r = Fetch({"--strict", "--warn", "blocked"}, urls);
  EXPECT_EQ(r.exit_code, 0) << "--warn blocked wins over --strict\n" << r.out;
}

TEST_F(BotWallsTest, JsonNamesTheKindAndTheProvider) {
  const ProcessResult r = Fetch({"--json"}, U("/wall/cloudflare") + "\n" + U("/forbidden") + "\n");
  const std::vector<Json> records = ResultsAndSummary(r.out);
  ASSERT_EQ(records.size(), 3u) << r.out;
  EXPECT_EQ(records[0]["error_kind"], "blocked");
  EXPECT_EQ(records[0]["blocked_by"], "Cloudflare");
  EXPECT_EQ(records[0]["warning"], true);
  EXPECT_EQ(records[0]["status"], 403);
  EXPECT_EQ(records[0]["error"], "blocked by bot protection (Cloudflare)");
  EXPECT_EQ(records[1]["error_kind"], "http_status");
  EXPECT_TRUE(records[1]["blocked_by"].is_null());
  EXPECT_EQ(records[1]["warning"], false);
  EXPECT_EQ(records[2]["type"], "summary");
  EXPECT_EQ(records[2]["blocked"], 1);
}

TEST_F(BotWallsTest, AHeadRequestIsRecognisedByTheHeaderAlone) {
  const ProcessResult r = Fetch({"--head", "--json"}, U("/wall/cloudflare") + "\n");
  const std::vector<Json> records = ResultsAndSummary(r.out);
  ASSERT_EQ(records.size(), 2u) << r.out;
  EXPECT_EQ(records[0]["blocked_by"], "Cloudflare");
}

TEST_F(BotWallsTest, OnlyTheStartOfTheBodyIsRead) {
  const ProcessResult r = Fetch({"--json"}, U("/wall/too-late") + "\n");
  const std::vector<Json> records = ResultsAndSummary(r.out);
  ASSERT_EQ(records.size(), 2u) << r.out;
  EXPECT_EQ(records[0]["error_kind"], "http_status") << "the marker lies past the first 8 KiB";
  EXPECT_GT(records[0]["bytes"].get<int>(), 9000) << "the whole body was still received";
}

TEST_F(BotWallsTest, StatsAndEveryReportNameTheWall) {
  TempDir dir;
  const ProcessResult r =
      Fetch({"--stats", "--markdown", dir / "r.md", "--sarif", dir / "r.sarif", "--codequality",
             dir / "cq.json", "--junit", dir / "j.xml", "--html", dir / "r.html"},
            U("/wall/cloudflare") + "\n" + U("/wall/kasada") + "\n" + U("/forbidden") + "\n");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  // --stats: "×" or "x" depending on the locale.
  EXPECT_TRUE(Has(r.out, "Failures:  blocked by bot protection "));
  EXPECT_TRUE(Has(r.out, "Blocked by:  Cloudflare "));
  EXPECT_TRUE(Has(r.out, "  Kasada "));

  const Json sarif = ValidatedJson(dir / "r.sarif", kSarifSchema);
  ASSERT_TRUE(sarif.is_object());
  const Json& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["ruleId"], "blocked");
  EXPECT_EQ(results[0]["level"], "warning");
  EXPECT_EQ(results[0]["properties"]["blockedBy"], "Cloudflare");
  EXPECT_EQ(results[2]["ruleId"], "http-status");

  const Json cq = ValidatedJson(dir / "cq.json", kCodeQualitySchema);
  ASSERT_EQ(cq.size(), 3u);
  EXPECT_EQ(cq[0]["check_name"], "blocked");
  EXPECT_EQ(cq[0]["severity"], "minor");

  const Json md = RenderedMarkdown(dir / "r.md");
  ASSERT_TRUE(md.is_object());
  for (const char* renderer : {"python", "gfm"}) {
    SCOPED_TRACE(renderer);
    const Json& tables = md[renderer]["tables"];
    ASSERT_GE(tables.size(), 3u);
    ASSERT_EQ(tables[2]["rows"].size(), 2u) << "the walls are warnings";
    EXPECT_EQ(tables[2]["rows"][0][2], "blocked by bot protection (Cloudflare)");
    EXPECT_TRUE(Has(md[renderer]["paragraphs"].dump(), "2 URLs blocked by bot protection"));
  }

  const ProcessResult junit = RunPythonScript("junit_summary.py", {dir / "j.xml"});
  ASSERT_EQ(junit.exit_code, 0) << junit.err;
  EXPECT_EQ(Json::parse(junit.out)["suite_failures"], "1");
  EXPECT_TRUE(Has(junit.out, "blocked by bot protection (Kasada)"));

  const std::string html = ReadFile(dir / "r.html");
  EXPECT_TRUE(Has(html, "blocked by bot walls"));
  EXPECT_TRUE(Has(html, "bot wall: Cloudflare"));
  EXPECT_TRUE(Has(html, R"x("blocked by bot protection (Kasada)","blocked")x"));
}

}  // namespace
}  // namespace fetchpool::testing
