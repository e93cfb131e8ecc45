// Certificates near expiry, end to end: the real binary against a loopback nginx serving four
// certificates made at test time (3 days left, 60 days, expired, and 60 days under an
// intermediate with 5), several URLs per host on one kept-alive connection. Every result knows
// its certificate, --cert-warn and --cert-fail judge it, and each report lists a certificate
// once however many URLs came with it.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ci_report_checks.hpp"
#include "support/cert_servers.hpp"
#include "support/cli_runner.hpp"
#include "support/python.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"
#include "support/tls_servers.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;

// This project's machines set the CA variables for every program; each test names its CA.
const std::vector<std::string> kTrustVariables = {"CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR",
                                                  "http_proxy",     "https_proxy",   "HTTPS_PROXY",
                                                  "all_proxy",      "ALL_PROXY"};

enum SiteIndex { kIn3 = 0, kIn60 = 1, kExpired = 2, kChained = 3 };
constexpr int kUrlsPerSite = 3;

class CertificateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string nginx = FindProgram("nginx");
    if (nginx.empty() || FindProgram("openssl").empty()) {
      skip_reason_ = "needs nginx and openssl (scripts/install-deps.sh installs them)";
      return;
    }
    try {
      pki_dir_ = std::make_unique<TempDir>();
      pki_ = std::make_unique<ExpiryPki>(ExpiryPki::Generate(pki_dir_->path()));
      server_ = std::make_unique<SitesServer>(
          nginx, std::vector<Site>{{{"127.0.0.1"}, pki_->in_3_days},
                                   {{"127.0.0.1"}, pki_->in_60_days},
                                   {{"127.0.0.1"}, pki_->expired},
                                   {{"127.0.0.1"}, pki_->intermediate_in_5_days}});
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    server_.reset();
    pki_.reset();
    pki_dir_.reset();
  }
  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  static std::string TestName() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  // URL `n` of site `site`, under a path unique to the running test.
  static std::string Url(int site, int n) {
    return "https://127.0.0.1:" + std::to_string(server_->port(static_cast<std::size_t>(site))) +
           "/" + TestName() + "/" + std::to_string(n);
  }
  // Every site's URLs, a site's together (so one worker carries them on one connection).
  static std::string Urls(std::vector<int> sites) {
    std::string out;
    for (int site : sites) {
      for (int n = 0; n < kUrlsPerSite; ++n) out += Url(site, n) + "\n";
    }
    return out;
  }
  static ProcessResult Fetch(std::vector<std::string> args, const std::string& urls) {
    SubprocessOptions opts;
    opts.env_unset = kTrustVariables;
    args.insert(args.begin(), {"--no-progress", "--cacert", pki_->ca.string()});
    return RunFetchpool(std::move(args), urls, kRunTimeout, std::move(opts));
  }
  // The JSON result record of each URL, by URL.
  static std::map<std::string, Json> Records(const std::string& out) {
    std::map<std::string, Json> records;
    for (const std::string& line : SplitLines(out)) {
      const Json j = Json::parse(line);
      if (j["type"] == "result") records[j["url"]] = j;
    }
    return records;
  }

  inline static std::string skip_reason_;
  inline static std::string setup_error_;
  inline static std::unique_ptr<TempDir> pki_dir_;
  inline static std::unique_ptr<ExpiryPki> pki_;
  inline static std::unique_ptr<SitesServer> server_;
};

TEST_F(CertificateTest, EveryUrlOnAReusedConnectionKnowsItsCertificate) {
  const ProcessResult r = Fetch({"-w", "1", "--json"}, Urls({kIn3, kIn60, kChained}));
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::map<std::string, Json> records = Records(r.out);
  ASSERT_EQ(records.size(), 9u) << r.out;
  for (int n = 0; n < kUrlsPerSite; ++n) {
    const Json& in3 = records.at(Url(kIn3, n));
    EXPECT_EQ(in3["cert_subject"], "CN=expires in 3 days") << in3.dump();
    EXPECT_EQ(in3["cert_issuer"], "CN=fetchpool expiry test CA (test only)");
    // "-days 3" a moment ago: 2 whole days and most of a third are left.
    EXPECT_EQ(in3["cert_days_left"], 2) << in3.dump();
    EXPECT_TRUE(in3["cert_chain_expires"].is_null()) << "no intermediate was sent";
    const std::string expires = in3["cert_expires"];
    EXPECT_EQ(expires.size(), 20u) << expires;  // 2026-12-09T10:44:21Z
    EXPECT_EQ(expires.back(), 'Z');

    const Json& in60 = records.at(Url(kIn60, n));
    EXPECT_EQ(in60["cert_days_left"], 59) << in60.dump();

    const Json& chained = records.at(Url(kChained, n));
    EXPECT_EQ(chained["cert_subject"], "CN=chained\\, 60 days") << chained.dump();
    EXPECT_EQ(chained["cert_issuer"], "CN=fetchpool intermediate in 5 days (test only)");
    EXPECT_EQ(chained["cert_days_left"], 59);
    EXPECT_EQ(chained["cert_chain_days_left"], 4) << chained.dump();
    EXPECT_EQ(chained["cert_chain_subject"], "CN=fetchpool intermediate in 5 days (test only)");
    EXPECT_FALSE(chained["cert_chain_expires"].is_null());
  }
  // The point: one connection per host carried all its URLs, yet every result has the facts.
  const std::vector<SiteRequest> seen = server_->WaitForRequests("/" + TestName() + "/", 9);
  std::map<int, std::set<std::string>> connections;
  for (const SiteRequest& s : seen) connections[s.port].insert(s.connection);
  ASSERT_EQ(connections.size(), 3u);
  for (const auto& [port, ids] : connections) EXPECT_EQ(ids.size(), 1u) << "port " << port;
}

TEST_F(CertificateTest, CertWarn14WarnsAboutTheSoonOnesOnly) {
  const ProcessResult r =
      Fetch({"-w", "1", "--ordered", "--cert-warn", "14"}, Urls({kIn3, kIn60, kChained}));
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << "warnings do not fail the run: " << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  for (int n = 0; n < kUrlsPerSite; ++n) {
    EXPECT_TRUE(Has(r.out, "[WARN] " + Url(kIn3, n) + " (certificate expires in 2 days ("))
        << r.out;
    EXPECT_TRUE(Has(r.out, "[OK]   " + Url(kIn60, n) + " (")) << r.out;
    EXPECT_TRUE(
        Has(r.out, "[WARN] " + Url(kChained, n) + " (intermediate certificate expires in 4 days ("))
        << r.out;
  }
  EXPECT_TRUE(Has(r.out, "): CN=fetchpool intermediate in 5 days (test only), ")) << r.out;
  EXPECT_TRUE(Has(lines.back(), "Summary: 9 total, 3 ok, 0 failed, 6 warned")) << lines.back();
}

TEST_F(CertificateTest, CertFail7FailsThemAndAnExpiredCertificateFailsAsItAlwaysDid) {
  const ProcessResult r = Fetch({"-w", "1", "--ordered", "--cert-fail", "7", "--cert-warn", "70"},
                                Urls({kIn3, kIn60, kExpired, kChained}));
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  for (int n = 0; n < kUrlsPerSite; ++n) {
    EXPECT_TRUE(Has(r.out, "[FAIL] " + Url(kIn3, n) + " (certificate expires in 2 days ("))
        << r.out;
    EXPECT_TRUE(Has(r.out, "[WARN] " + Url(kIn60, n) + " (certificate expires in 59 days ("))
        << "--cert-warn 70 still warns about the 60-day one: " << r.out;
    EXPECT_TRUE(Has(r.out, "[FAIL] " + Url(kExpired, n) + " (TLS error: ")) << r.out;
    EXPECT_TRUE(
        Has(r.out, "[FAIL] " + Url(kChained, n) + " (intermediate certificate expires in 4 days ("))
        << r.out;
  }
  EXPECT_TRUE(Has(r.out, "certificate has expired")) << r.out;
}

TEST_F(CertificateTest, WithInsecureAnExpiredCertificateIsSeenAndCertFailNamesItsDate) {
  const ProcessResult r = Fetch({"-k", "--cert-fail", "7"}, Url(kExpired, 0) + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "[FAIL] " + Url(kExpired, 0) + " (certificate expired ")) << r.out;
  EXPECT_TRUE(Has(r.out, " days ago (2020-01-02), ")) << r.out;
}

TEST_F(CertificateTest, ReportsListEachCertificateOnceAndTheCiReportsFindEachOnce) {
  TempDir out;
  const ProcessResult r =
      Fetch({"-w", "2", "--stats", "--cert-warn", "14", "--markdown", out / "r.md", "--html",
             out / "r.html", "--sarif", out / "r.sarif", "--codequality", out / "cq.json"},
            Urls({kIn3, kIn60, kChained}));
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  // --stats: one line per certificate, soonest first.
  const std::vector<std::string> lines = SplitLines(r.out);
  auto at = std::find(lines.begin(), lines.end(), "Certificates, soonest expiry first:");
  ASSERT_NE(at, lines.end()) << r.out;
  ASSERT_GE(lines.end() - at, 4);
  EXPECT_TRUE(Has(at[1], "2 days ") && Has(at[1], "CN=expires in 3 days")) << at[1];
  EXPECT_TRUE(Has(at[2], "4 days ") && Has(at[2], "intermediate CN=fetchpool intermediate"))
      << at[2];
  EXPECT_TRUE(Has(at[3], "59 days ") && Has(at[3], "CN=expires in 60 days")) << at[3];
  EXPECT_FALSE(Has(at[4], "days ")) << "three certificates, three lines: " << at[4];

  // Markdown: one row per certificate, saying how many URLs came with it.
  const Json md = RenderedMarkdown(out / "r.md");
  ASSERT_FALSE(md.is_null());
  for (const char* renderer : {"python", "gfm"}) {
    const Json* table = nullptr;
    for (const Json& t : md[renderer]["tables"]) {
      if (!t["header"].empty() && t["header"][0] == "Expires") table = &t;
    }
    ASSERT_NE(table, nullptr) << md[renderer].dump();
    ASSERT_EQ((*table)["rows"].size(), 3u) << table->dump();
    EXPECT_EQ((*table)["rows"][0][1], "2");
    EXPECT_EQ((*table)["rows"][0][3], "CN=expires in 3 days");
    EXPECT_EQ((*table)["rows"][0][5], "3") << "three URLs, one certificate";
    EXPECT_EQ((*table)["rows"][1][3],
              "intermediate CN=fetchpool intermediate in 5 days (test only)");
  }

  // HTML: the same three, parsed as a browser's parser reads the page.
  const ProcessResult html = RunPythonScript("html_tables.py", {out / "r.html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const Json page = Json::parse(html.out);
  ASSERT_TRUE(page["tables"].contains("certificate-table")) << html.out;
  EXPECT_EQ(page["tables"]["certificate-table"]["rows"].size(), 3u) << html.out;

  // SARIF and Code Quality: one finding per expiring certificate (two), not one per URL (six).
  const Json sarif = ValidatedJson(out / "r.sarif", kSarifSchema);
  ASSERT_FALSE(sarif.is_null());
  const Json& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u) << results.dump(2);
  for (const Json& f : results) {
    EXPECT_EQ(f["ruleId"], "certificate-expiry");
    EXPECT_EQ(f["level"], "warning");
  }
  const Json cq = ValidatedJson(out / "cq.json", kCodeQualitySchema);
  ASSERT_FALSE(cq.is_null());
  ASSERT_EQ(cq.size(), 2u) << cq.dump(2);
  EXPECT_EQ(cq[0]["check_name"], "certificate-expiry");
  EXPECT_NE(cq[0]["fingerprint"], cq[1]["fingerprint"]);
}

TEST_F(CertificateTest, CsvCarriesTheCertificateColumns) {
  const ProcessResult r = Fetch({"--format", "csv"}, Url(kChained, 0) + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  for (const char* column : {"cert_expires", "cert_days_left", "cert_subject", "cert_issuer",
                             "cert_chain_expires", "cert_chain_days_left", "cert_chain_subject",
                             "dns_ms", "connect_ms", "tls_ms", "first_byte_ms"}) {
    EXPECT_TRUE(Has(lines[0], column)) << column << ": " << lines[0];
  }
  EXPECT_TRUE(Has(lines[1], ",59,\"CN=chained\\, 60 days\",")) << lines[1];
  EXPECT_TRUE(Has(lines[1], ",4,CN=fetchpool intermediate in 5 days (test only)")) << lines[1];
}

// fetchpool report reads the certificate columns back: the merged JSON Lines carry them as the
// run wrote them, and the merged reports list each certificate once, as the run's did.
TEST_F(CertificateTest, FetchpoolReportReadsTheCertificatesBack) {
  const ProcessResult run =
      Fetch({"-w", "2", "--json", "--cert-warn", "14"}, Urls({kIn3, kIn60, kChained}));
  ASSERT_FALSE(run.timed_out);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  TempDir out;
  const ProcessResult merged = RunFetchpool(
      {"report", "--json", "--stats", "--markdown", out / "m.md", "--sarif", out / "m.sarif", "-"},
      run.out);
  ASSERT_EQ(merged.exit_code, 0) << merged.out << merged.err;
  const std::map<std::string, Json> ran = Records(run.out);
  const std::map<std::string, Json> back = Records(merged.out);
  ASSERT_EQ(ran.size(), 9u);
  EXPECT_EQ(back, ran) << "every record, certificate columns and all";
  EXPECT_EQ(ran.at(Url(kChained, 0))["cert_sha256"].get<std::string>().size(), 64u);

  EXPECT_TRUE(Has(merged.err, "Certificates, soonest expiry first:")) << merged.err;
  const Json md = RenderedMarkdown(out / "m.md");
  ASSERT_FALSE(md.is_null());
  const Json* table = nullptr;
  for (const Json& t : md["python"]["tables"]) {
    if (!t["header"].empty() && t["header"][0] == "Expires") table = &t;
  }
  ASSERT_NE(table, nullptr) << md["python"].dump();
  ASSERT_EQ((*table)["rows"].size(), 3u) << "one row per certificate: " << table->dump();
  EXPECT_EQ((*table)["rows"][0][5], "3") << "three URLs, one certificate";
  const Json sarif = ValidatedJson(out / "m.sarif", kSarifSchema);
  ASSERT_FALSE(sarif.is_null());
  EXPECT_EQ(sarif["runs"][0]["results"].size(), 2u) << "one finding per expiring certificate";
}

}  // namespace
}  // namespace fetchpool::testing
