// TLS, HTTP/2 and proxies, end to end: the real fetchpool binary against a loopback nginx (TLS +
// HTTP/2, certificates made at test time) and a loopback tinyproxy. What fetchpool did is read
// from its own output and from the servers' logs: nginx logs the protocol, TLS session reuse, the
// connection and any Via header a proxy added; tinyproxy logs each request, CONNECT included.
#include <gtest/gtest.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"
#include "support/tls_servers.hpp"

namespace fetchpool::testing {
namespace {

// Proxies and CA files a machine may set for every program (this project's own machines set the
// CA variables), which would change what each test means.
const std::vector<std::string> kProxyVariables = {
    "http_proxy", "HTTP_PROXY", "https_proxy",    "HTTPS_PROXY",   "all_proxy",   "ALL_PROXY",
    "no_proxy",   "NO_PROXY",   "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"};

// Runs fetchpool with none of those variables from the test's own environment, plus `env`.
ProcessResult Fetch(std::vector<std::string> args, const std::string& urls,
                    std::vector<std::pair<std::string, std::string>> env = {}) {
  SubprocessOptions opts;
  opts.env_unset = kProxyVariables;
  opts.env_set = std::move(env);
  args.insert(args.begin(), "--no-progress");
  return RunFetchpool(std::move(args), urls, kRunTimeout, std::move(opts));
}

class TlsProxyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string nginx = FindProgram("nginx");
    const std::string tinyproxy = FindProgram("tinyproxy");
    if (nginx.empty() || tinyproxy.empty()) {
      skip_reason_ = "needs nginx and tinyproxy (scripts/install-deps.sh installs them)";
      return;
    }
    try {
      pki_dir_ = std::make_unique<TempDir>();
      pki_ = std::make_unique<TestPki>(TestPki::Generate(pki_dir_->path()));
      nginx_ = std::make_unique<NginxServer>(nginx, *pki_);
      proxy_ = std::make_unique<TinyProxy>(tinyproxy);
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    proxy_.reset();
    nginx_.reset();
    pki_.reset();
    pki_dir_.reset();
  }
  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;  // installed, yet would not start
  }

  // A path unique to the running test, so its requests can be told apart in the logs.
  static std::string Path(const std::string& suffix = "") {
    return "/" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
           suffix;
  }
  static std::string Https(const std::string& path) {
    return "https://127.0.0.1:" + std::to_string(nginx_->tls_port()) + path;
  }
  static std::string Http(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(nginx_->plain_port()) + path;
  }
  static std::string Cacert() { return pki_->ca.string(); }

  inline static std::string skip_reason_;
  inline static std::string setup_error_;
  inline static std::unique_ptr<TempDir> pki_dir_;
  inline static std::unique_ptr<TestPki> pki_;
  inline static std::unique_ptr<NginxServer> nginx_;
  inline static std::unique_ptr<TinyProxy> proxy_;
};

TEST_F(TlsProxyTest, CacertVerifiesTheServerAgainstTheTestCa) {
  const ProcessResult r = Fetch({"--cacert", Cacert()}, Https(Path()) + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "[OK]   " + Https(Path()))) << r.out;
  EXPECT_EQ(nginx_->WaitForRequests(Path(), 1).size(), 1u);
}

TEST_F(TlsProxyTest, WithoutTheCaTheCertificateIsRejected) {
  const ProcessResult r = Fetch({"--json"}, Https(Path()) + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "\"error_kind\":\"tls\"")) << r.out;
  EXPECT_TRUE(Has(r.out, "certificate")) << r.out;
  EXPECT_TRUE(nginx_->Requests(Path()).empty());
}

TEST_F(TlsProxyTest, InsecureAcceptsAnUnknownCaAndAWrongName) {
  const std::string wrong =
      "https://127.0.0.1:" + std::to_string(nginx_->wrong_name_port()) + Path("/wrong");
  const ProcessResult r = Fetch({"-k"}, Https(Path("/unknown-ca")) + "\n" + wrong + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "[OK]   " + Https(Path("/unknown-ca")))) << r.out;
  EXPECT_TRUE(Has(r.out, "[OK]   " + wrong)) << r.out;
  EXPECT_EQ(nginx_->WaitForRequests(Path(), 2).size(), 2u);
}

TEST_F(TlsProxyTest, ACaThatDidNotSignTheCertificateFailsVerification) {
  const ProcessResult r = Fetch({"--cacert", pki_->other_ca.string()}, Https(Path()) + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "[FAIL] " + Https(Path()) + " (TLS error: ")) << r.out;
  EXPECT_TRUE(Has(r.out, "issuer certificate")) << r.out;
  EXPECT_TRUE(nginx_->Requests(Path()).empty());
}

TEST_F(TlsProxyTest, ACertificateForAnotherNameFailsVerification) {
  const std::string url = "https://127.0.0.1:" + std::to_string(nginx_->wrong_name_port()) + Path();
  const ProcessResult r = Fetch({"--cacert", Cacert()}, url + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "[FAIL] " + url + " (TLS error: ")) << r.out;
  EXPECT_TRUE(Has(r.out, "name")) << r.out;
  EXPECT_TRUE(nginx_->Requests(Path()).empty());
}

TEST_F(TlsProxyTest, Http11IsTheDefaultEvenWhereTheServerOffersHttp2) {
  // The body names the protocol nginx served, so a per-line check can assert it too.
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{}, std::vector<std::string>{"--http1.1"}}) {
    std::vector<std::string> args = {"--cacert", Cacert()};
    args.insert(args.end(), flags.begin(), flags.end());
    const std::string path = Path(flags.empty() ? "/default" : "/http1.1");
    const ProcessResult r = Fetch(args, Https(path) + " contains=protocol%20HTTP/1.1\n");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::vector<AccessEntry> seen = nginx_->WaitForRequests(path, 1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].protocol, "HTTP/1.1");
  }
}

TEST_F(TlsProxyTest, Http2IsUsedOverTlsWhenAskedFor) {
  const ProcessResult r =
      Fetch({"--cacert", Cacert(), "--http2"}, Https(Path()) + " contains=protocol%20HTTP/2.0\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<AccessEntry> seen = nginx_->WaitForRequests(Path(), 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].protocol, "HTTP/2.0");
}

TEST_F(TlsProxyTest, AWorkerResumesItsTlsSessionOnNewConnections) {
  // nginx closes every connection after one request, so each URL is a new TLS handshake; the
  // one worker's later handshakes resume the session of its first. Over HTTP/1.1: libcurl 7.88
  // does not resume sessions for HTTP/2 connections (the curl tool behaves the same).
  constexpr int kUrls = 4;
  std::string urls;
  for (int i = 0; i < kUrls; ++i) urls += Https(Path("/" + std::to_string(i))) + "\n";
  const ProcessResult r = Fetch({"--cacert", Cacert(), "--http1.1", "-w", "1"}, urls);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<AccessEntry> seen = nginx_->WaitForRequests(Path(), kUrls);
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kUrls));
  EXPECT_FALSE(seen[0].session_reused);
  for (int i = 1; i < kUrls; ++i) {
    EXPECT_NE(seen[i].connection, seen[i - 1].connection) << "keepalive should be off";
    EXPECT_TRUE(seen[i].session_reused) << "request " << i << " did a full handshake";
  }
}

TEST_F(TlsProxyTest, ProxyOptionSendsRequestsThroughTheProxy) {
  const ProcessResult r = Fetch({"--proxy", proxy_->url()}, Http(Path()) + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<AccessEntry> seen = nginx_->WaitForRequests(Path(), 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(Has(seen[0].via, "tinyproxy")) << seen[0].via;
}

TEST_F(TlsProxyTest, ProxyWithoutASchemeIsAnHttpProxy) {
  const ProcessResult r =
      Fetch({"--proxy", "127.0.0.1:" + std::to_string(proxy_->port())}, Http(Path()) + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<AccessEntry> seen = nginx_->WaitForRequests(Path(), 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(Has(seen[0].via, "tinyproxy")) << seen[0].via;
}

TEST_F(TlsProxyTest, HttpProxyComesFromTheEnvironment) {
  const ProcessResult r = Fetch({}, Http(Path()) + "\n", {{"http_proxy", proxy_->url()}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<AccessEntry> seen = nginx_->WaitForRequests(Path(), 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(Has(seen[0].via, "tinyproxy")) << seen[0].via;
}

TEST_F(TlsProxyTest, HttpsProxyFromTheEnvironmentTunnelsWithConnect) {
  const ProcessResult r = Fetch({"--cacert", Cacert(), "--http2"}, Https(Path()) + "\n",
                                {{"https_proxy", proxy_->url()}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<AccessEntry> seen = nginx_->WaitForRequests(Path(), 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].via, "-") << "a tunnel carries TLS end to end: the proxy cannot add headers";
  EXPECT_EQ(seen[0].protocol, "HTTP/2.0") << "ALPN works through the tunnel too";
  const std::string connect = "CONNECT 127.0.0.1:" + std::to_string(nginx_->tls_port());
  bool tunnelled = false;
  for (const std::string& line : proxy_->Requests()) tunnelled = tunnelled || Has(line, connect);
  EXPECT_TRUE(tunnelled) << "tinyproxy logged no " << connect;
}

TEST_F(TlsProxyTest, ConnectThroughTheProxyStillVerifiesTheOrigin) {
  const std::string url = "https://127.0.0.1:" + std::to_string(nginx_->wrong_name_port()) + Path();
  const ProcessResult r = Fetch({"--cacert", Cacert(), "--proxy", proxy_->url()}, url + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "[FAIL] " + url + " (TLS error: ")) << r.out;
  EXPECT_TRUE(nginx_->Requests(Path()).empty());
}

TEST_F(TlsProxyTest, NoProxyBypassesTheEnvironmentsProxy) {
  const ProcessResult r =
      Fetch({}, Http(Path()) + "\n", {{"http_proxy", proxy_->url()}, {"no_proxy", "127.0.0.1"}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<AccessEntry> seen = nginx_->WaitForRequests(Path(), 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].via, "-");
  for (const std::string& line : proxy_->Requests()) EXPECT_FALSE(Has(line, Path())) << line;
}

TEST_F(TlsProxyTest, ProxyOptionWinsOverTheEnvironment) {
  const std::string dead = "http://127.0.0.1:" + std::to_string(UnusedLoopbackPort());
  const ProcessResult r =
      Fetch({"--proxy", proxy_->url()}, Http(Path()) + "\n", {{"http_proxy", dead}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<AccessEntry> seen = nginx_->WaitForRequests(Path(), 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(Has(seen[0].via, "tinyproxy")) << seen[0].via;
}

TEST_F(TlsProxyTest, ADeadProxyFailsEveryUrlAsRefused) {
  // Nothing listens on the proxy's port: neither the plain nor the https URL may go around it.
  const std::string dead = "http://127.0.0.1:" + std::to_string(UnusedLoopbackPort());
  const ProcessResult r = Fetch({"--cacert", Cacert(), "--proxy", dead, "--json"},
                                Http(Path("/plain")) + "\n" + Https(Path("/tls")) + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 5u) << "run, two results, end, summary: " << r.out;
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_TRUE(Has(lines[i], "\"ok\":false")) << lines[i];
    EXPECT_TRUE(Has(lines[i], "\"error_kind\":\"connect\"")) << lines[i];
    EXPECT_TRUE(Has(lines[i], "connection refused")) << lines[i];
  }
  EXPECT_TRUE(nginx_->Requests(Path()).empty());
}

// The trust store is read once per run (issue 22), chosen as the curl tool chooses it.
TEST_F(TlsProxyTest, TheCaComesFromSslCertFileAsCurlReadsIt) {
  const ProcessResult r = Fetch({}, Https(Path()) + "\n", {{"SSL_CERT_FILE", Cacert()}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(TlsProxyTest, CurlCaBundleWinsOverSslCertFile) {
  const std::string other = pki_->other_ca.string();
  ProcessResult r =
      Fetch({}, Https(Path("/a")) + "\n", {{"CURL_CA_BUNDLE", Cacert()}, {"SSL_CERT_FILE", other}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Fetch({}, Https(Path("/b")) + "\n", {{"CURL_CA_BUNDLE", other}, {"SSL_CERT_FILE", Cacert()}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "(TLS error: ")) << r.out;
}

TEST_F(TlsProxyTest, CacertWinsOverTheEnvironment) {
  const ProcessResult r = Fetch({"--cacert", Cacert()}, Https(Path()) + "\n",
                                {{"CURL_CA_BUNDLE", pki_->other_ca.string()}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(TlsProxyTest, ABundleWithNoCertificateFailsEachUrlSayingWhy) {
  TempDir dir;
  const std::string empty = dir.path() + "/empty.pem";
  WriteFile(empty, "not a certificate\n");
  const ProcessResult r = Fetch({}, Https(Path()) + "\n", {{"SSL_CERT_FILE", empty}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "(TLS error: cannot read CA certificates from '" + empty + "'")) << r.out;
  EXPECT_TRUE(nginx_->Requests(Path()).empty());
}

TEST_F(TlsProxyTest, TheTrustStoreIsReadOncePerRunWhateverTheConnections) {
  const std::string strace = FindProgram("strace");
  if (strace.empty()) GTEST_SKIP() << "needs strace (scripts/install-deps.sh installs it)";
  // nginx closes every connection after one request: 24 URLs are 24 TLS handshakes on 4 workers.
  constexpr int kUrls = 24;
  std::string urls;
  for (int i = 0; i < kUrls; ++i) urls += Https(Path("/" + std::to_string(i))) + "\n";
  TempDir dir;
  const std::string trace = dir.path() + "/trace";
  SubprocessOptions opts;
  opts.env_unset = kProxyVariables;
  // LeakSanitizer cannot run under ptrace; the leak check is the other tests' job.
  const char* asan = std::getenv("ASAN_OPTIONS");
  opts.env_set = {{"SSL_CERT_FILE", Cacert()},
                  {"ASAN_OPTIONS", std::string(asan ? asan : "") + ":detect_leaks=0"}};
  const ProcessResult r = RunProcess({strace, "-f", "-qq", "-e", "trace=openat", "-o", trace,
                                      FETCHPOOL_BINARY, "--no-progress", "--http1.1", "-w", "4"},
                                     urls, kRunTimeout, opts);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::set<std::string> connections;
  for (const AccessEntry& e : nginx_->WaitForRequests(Path(), kUrls))
    connections.insert(e.connection);
  EXPECT_EQ(connections.size(), static_cast<std::size_t>(kUrls));
  EXPECT_EQ(Count(ReadFile(trace), "\"" + Cacert() + "\""), 1u) << ReadFile(trace);
}

}  // namespace
}  // namespace fetchpool::testing
