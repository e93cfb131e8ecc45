// Per-host -k and --cacert from a config section, end to end against a loopback nginx whose
// certificates are made at test time: each host verifies against its own CA file (one store per
// file, read once) and -k skips verification for its host only.
#include <gtest/gtest.h>

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"
#include "support/tls_servers.hpp"

namespace fetchpool::testing {
namespace {

class SecretsTlsTest : public ::testing::Test {
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
      nginx_ = std::make_unique<NginxServer>(nginx, *pki_);
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

  // fetchpool --json with `config`, none of the machine's CA or proxy variables.
  ProcessResult Run(const std::string& config, const std::vector<std::string>& urls) {
    SubprocessOptions opts;
    opts.env_unset = {"http_proxy",     "HTTP_PROXY",    "https_proxy", "HTTPS_PROXY",
                      "all_proxy",      "ALL_PROXY",     "no_proxy",    "NO_PROXY",
                      "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"};
    std::string list;
    for (const std::string& url : urls) list += url + "\n";
    return RunFetchpool({"--no-progress", "--ordered", "--config", dir_.Write("c.toml", config)},
                        list, kRunTimeout, opts);
  }
  static std::string Https(const std::string& host, int port, const std::string& path) {
    return "https://" + host + ":" + std::to_string(port) + path;
  }
  static std::string Path() {
    return "/tls-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  TempDir dir_;
  inline static std::string skip_reason_;
  inline static std::string setup_error_;
  inline static std::unique_ptr<TempDir> pki_dir_;
  inline static std::unique_ptr<TestPki> pki_;
  inline static std::unique_ptr<NginxServer> nginx_;
};

TEST_F(SecretsTlsTest, ASectionsCacertVerifiesItsHostOnly) {
  const int port = nginx_->tls_port();
  const ProcessResult r = Run("[hosts.\"127.0.0.1\"]\ncacert = \"" + pki_->ca.string() + "\"\n",
                              {Https("127.0.0.1", port, Path()), Https("localhost", port, Path())});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_GE(lines.size(), 2u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("[OK]   " + Https("127.0.0.1", port, Path()))) << r.out;
  EXPECT_TRUE(lines[1].starts_with("[FAIL] " + Https("localhost", port, Path()) + " (TLS error"))
      << r.out;
}

TEST_F(SecretsTlsTest, EachHostHasItsOwnCaFileAndTheRightOneWins) {
  const int port = nginx_->tls_port();
  // localhost is given the CA that signed nothing: it must fail, 127.0.0.1 must pass.
  const ProcessResult r =
      Run("[hosts.\"127.0.0.1\"]\ncacert = \"" + pki_->ca.string() +
              "\"\n[hosts.\"localhost\"]\ncacert = \"" + pki_->other_ca.string() + "\"\n",
          {Https("127.0.0.1", port, Path() + "/a"), Https("localhost", port, Path() + "/b"),
           Https("127.0.0.1", port, Path() + "/c")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_GE(lines.size(), 3u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("[OK]   ")) << r.out;
  EXPECT_TRUE(lines[1].starts_with("[FAIL] ")) << r.out;
  EXPECT_TRUE(lines[2].starts_with("[OK]   ")) << r.out;
}

TEST_F(SecretsTlsTest, InsecureSkipsVerificationForItsHostOnly) {
  const int port = nginx_->wrong_name_port();  // a certificate for another name, unknown CA
  const ProcessResult r = Run("[hosts.\"localhost\"]\ninsecure = true\n",
                              {Https("localhost", port, Path()), Https("127.0.0.1", port, Path())});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_GE(lines.size(), 2u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("[OK]   " + Https("localhost", port, Path()))) << r.out;
  EXPECT_TRUE(lines[1].starts_with("[FAIL] " + Https("127.0.0.1", port, Path()))) << r.out;
}

TEST_F(SecretsTlsTest, TheTopLevelsCacertIsTheDefaultASectionOverrides) {
  const int port = nginx_->tls_port();
  const ProcessResult r =
      Run("cacert = \"" + pki_->ca.string() + "\"\n[hosts.\"localhost\"]\ncacert = \"" +
              pki_->other_ca.string() + "\"\n",
          {Https("127.0.0.1", port, Path()), Https("localhost", port, Path())});
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_GE(lines.size(), 2u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("[OK]   ")) << r.out;
  EXPECT_TRUE(lines[1].starts_with("[FAIL] ")) << r.out;
}

}  // namespace
}  // namespace fetchpool::testing
