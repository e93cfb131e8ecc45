// --sitemap end to end: a gzipped sitemap index served by a loopback nginx over TLS, its child
// sitemaps fetched with the run's own options (through a tinyproxy, with --cacert), a missing
// child, a loop of indexes; and a 50,000-URL sitemap read in flat memory.
#include <gtest/gtest.h>
#include <zlib.h>

#include <exception>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"
#include "support/tls_servers.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;

const std::vector<std::string> kProxyAndCaVariables = {
    "http_proxy", "HTTP_PROXY", "https_proxy",    "HTTPS_PROXY",   "all_proxy",   "ALL_PROXY",
    "no_proxy",   "NO_PROXY",   "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"};

std::string Gzip(const std::string& text) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Urlset(const std::vector<std::string>& locs) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& loc : locs) xml += "  <url><loc>" + loc + "</loc></url>\n";
  return xml + "</urlset>\n";
}

std::string Index(const std::vector<std::string>& locs) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& loc : locs) xml += "  <sitemap><loc>" + loc + "</loc></sitemap>\n";
  return xml + "</sitemapindex>\n";
}

std::vector<Json> Records(const std::string& out) {
  std::vector<Json> records;
  for (const std::string& line : SplitLines(out)) {
    Json j = Json::parse(line);
    if (j["type"] == "result") records.push_back(std::move(j));
  }
  return records;
}

class SitemapIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string nginx = FindProgram("nginx");
    const std::string tinyproxy = FindProgram("tinyproxy");
    if (nginx.empty() || tinyproxy.empty()) {
      setup_error_ = "needs nginx and tinyproxy (scripts/install-deps.sh installs them)";
      return;
    }
    try {
      dir_ = std::make_unique<TempDir>();
      std::filesystem::create_directories(dir_->path() + "/pki");
      std::filesystem::create_directories(dir_->path() + "/files");
      ::chmod(dir_->path().c_str(), 0755);
      pki_ = std::make_unique<TestPki>(TestPki::Generate(dir_->path() + "/pki"));
      nginx_ = std::make_unique<NginxServer>(
          nginx, *pki_, "location /files/ { alias " + dir_->path() + "/files/; }\n");
      proxy_ = std::make_unique<TinyProxy>(tinyproxy);
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    proxy_.reset();
    nginx_.reset();
    pki_.reset();
    dir_.reset();
  }
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  static std::string Tls(const std::string& path) {
    return "https://127.0.0.1:" + std::to_string(nginx_->tls_port()) + path;
  }
  static std::string Plain(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(nginx_->plain_port()) + path;
  }
  static void Serve(const std::string& name, const std::string& body) {
    dir_->Write("files/" + name, body);
  }
  static ProcessResult Run(std::vector<std::string> args) {
    SubprocessOptions opts;
    opts.env_unset = kProxyAndCaVariables;
    opts.stdin_pipe = false;
    args.insert(args.begin(), "--no-progress");
    return RunFetchpool(std::move(args), {}, kRunTimeout, std::move(opts));
  }

  inline static std::string setup_error_;
  inline static std::unique_ptr<TempDir> dir_;
  inline static std::unique_ptr<TestPki> pki_;
  inline static std::unique_ptr<NginxServer> nginx_;
  inline static std::unique_ptr<TinyProxy> proxy_;
};

// The index over TLS (trusted through --cacert alone), children over TLS and plain HTTP, all
// through --proxy: the sitemaps are fetched as the pages are.
TEST_F(SitemapIntegrationTest, AGzippedIndexOverTlsThroughTheProxy) {
  const std::string index = Tls("/files/index.xml.gz");
  Serve("index.xml.gz", Gzip(Index({Plain("/files/a.xml"), Tls("/files/b.xml.gz"),
                                    Plain("/files/missing.xml"), Plain("/files/inner.xml")})));
  Serve("a.xml", Urlset({Tls("/page/a1"), Tls("/page/a2?x=1&amp;y=2")}));
  Serve("b.xml.gz", Gzip(Urlset({Plain("/page/b1")})));
  Serve("inner.xml", Index({index}));  // back to the top: a loop
  const ProcessResult r = Run({"--sitemap", index, "--cacert", pki_->ca.string(), "--proxy",
                               proxy_->url(), "--format", "jsonl", "--ordered"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the missing child fails
  std::vector<std::string> seen;
  for (const Json& j : Records(r.out)) {
    const char* verdict = j["ok"].get<bool>()        ? "ok"
                          : j["warning"].get<bool>() ? "warning"
                                                     : "failed";
    seen.push_back(j["url"].get<std::string>() + " " + verdict + " " +
                   j["file"].get<std::string>() + ":" + std::to_string(j["index"].get<int>()));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      Tls("/page/a1") + " ok " + Plain("/files/a.xml") + ":3",
                      Tls("/page/a2?x=1&y=2") + " ok " + Plain("/files/a.xml") + ":4",
                      Plain("/files/a.xml") + " ok " + index + ":3",
                      Plain("/page/b1") + " ok " + Tls("/files/b.xml.gz") + ":3",
                      Tls("/files/b.xml.gz") + " ok " + index + ":4",
                      Plain("/files/missing.xml") + " failed " + index + ":5",
                      index + " warning " + Plain("/files/inner.xml") + ":3",
                      Plain("/files/inner.xml") + " ok " + index + ":6",
                      index + " ok -:0",
                  }))
      << r.out;
  // Plain requests through the proxy carry its Via header; TLS ones went through its CONNECT.
  int plain = 0;
  for (const AccessEntry& e : nginx_->WaitForRequests("/files/", 5)) {
    if (e.port != nginx_->plain_port()) continue;
    ++plain;
    EXPECT_NE(e.via, "-") << e.uri << " skipped the proxy";
  }
  EXPECT_EQ(plain, 3);
  int connects = 0;
  for (const std::string& line : proxy_->Requests()) {
    if (Has(line, "CONNECT 127.0.0.1:" + std::to_string(nginx_->tls_port()))) ++connects;
  }
  EXPECT_GE(connects, 1);
}

// 50,000 URLs (the protocol's maximum per sitemap) read with the streaming reader: the peak
// memory is that of 500 URLs, give or take a few MiB. --shard keeps the fetches few; every URL
// is still parsed (and hashed for the shard).
TEST_F(SitemapIntegrationTest, FiftyThousandUrlsInFlatMemory) {
#if defined(__SANITIZE_ADDRESS__)
  // ASan's quarantine keeps freed memory (up to 256 MiB): its RSS is not the program's.
  GTEST_SKIP() << "memory is measured without AddressSanitizer";
#endif
  TestServer server;
  auto sitemap = [&](int n) {
    std::vector<std::string> locs;
    for (int i = 0; i < n; ++i) locs.push_back(server.url("/size/1?page=" + std::to_string(i)));
    return dir_->Write("files/big" + std::to_string(n) + ".xml.gz", Gzip(Urlset(locs)));
  };
  const std::string small = sitemap(500);
  const std::string big = sitemap(50000);
  const ProcessResult few = Run({"--sitemap", small, "--shard", "1/100", "-q"});
  const ProcessResult many = Run({"--sitemap", big, "--shard", "1/10000", "-q"});
  ASSERT_EQ(few.exit_code, 0) << few.err;
  ASSERT_EQ(many.exit_code, 0) << many.err;
  ASSERT_GT(few.max_rss_kb, 0);
  EXPECT_LT(many.max_rss_kb, few.max_rss_kb + 4096)
      << "500 URLs: " << few.max_rss_kb << " KiB, 50,000: " << many.max_rss_kb << " KiB";
  const std::optional<SummaryLine> summary = LastSummary(many.out);
  ASSERT_TRUE(summary);
  EXPECT_GT(summary->total, 0u);
  EXPECT_LT(summary->total, 20u);
}

}  // namespace
}  // namespace fetchpool::testing
