// DNS failures end to end: the real binary resolving through a real dnsmasq of the test's own
// (support/private_dns.hpp: it never forwards, and the binary sees only it) that answers one
// name, says NXDOMAIN for another and never answers a third. A missing name is `no_such_host`,
// permanent and not retried; a lookup that got no answer is `resolve`, "DNS lookup failed",
// retried like a connection failure.
#include <gtest/gtest.h>

#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/output_integration.hpp"
#include "support/private_dns.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;

class DnsFailuresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PrivateDns::Available()) GTEST_SKIP() << "needs root, dnsmasq and unshare";
    try {
      dns_ = std::make_unique<PrivateDns>(DnsAnswers{
          .addresses = {{"ok.test", "127.0.0.1"}},
          .missing = {"nx.test"},
          .silent = {"silent.test"},
      });
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }

  std::string U(const std::string& host, const std::string& path = "/size/3") const {
    return "http://" + host + ":" + std::to_string(server_.port()) + path;
  }
  // fetchpool inside the private namespace, with no proxy (which would look names up itself).
  ProcessResult Fetch(std::vector<std::string> args, const std::string& urls) const {
    args.insert(args.begin(), {FETCHPOOL_BINARY, "--no-progress", "--ordered"});
    SubprocessOptions opts;
    opts.env_unset = {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"};
    std::vector<std::string> argv = dns_->Wrap(std::move(args));
    const std::string program = argv.front();
    argv.erase(argv.begin());
    return RunCli(program, std::move(argv), urls, kRunTimeout, std::move(opts));
  }

  TestServer server_;
  std::unique_ptr<PrivateDns> dns_;
};

TEST_F(DnsFailuresTest, AMissingNameIsPermanentAndASilentResolverIsRetried) {
  // --connect-timeout bounds each lookup too: the silent name costs 0.3 s an attempt.
  const ProcessResult r =
      Fetch({"--json", "--retries", "2", "--retry-wait", "0", "--connect-timeout", "0.3"},
            U("ok.test") + "\n" + U("nx.test") + "\n" + U("silent.test") + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<Json> records = ResultsAndSummary(r.out);
  ASSERT_EQ(records.size(), 4u) << r.out << r.err;
  EXPECT_EQ(records[0]["ok"], true) << "a name the resolver knows: " << records[0].dump();
  EXPECT_EQ(records[1]["error_kind"], "no_such_host");
  EXPECT_EQ(records[1]["error"], "no such host: nx.test");
  EXPECT_EQ(records[1]["attempts"], 1) << "NXDOMAIN is an answer: not retried";
  EXPECT_EQ(records[2]["error_kind"], "resolve");
  EXPECT_TRUE(records[2]["error"].get<std::string>().starts_with("DNS lookup failed: silent.test"))
      << records[2]["error"];
  EXPECT_EQ(records[2]["attempts"], 3) << "retried like a connection failure";
  EXPECT_EQ(dns_->Queries("nx.test"), 2) << "one lookup, A and AAAA";
  EXPECT_GE(dns_->Queries("silent.test"), 3) << "one lookup per attempt";
}

TEST_F(DnsFailuresTest, TextAndStatsNameEachKind) {
  const ProcessResult r = Fetch({"--stats", "--retries", "0", "--connect-timeout", "0.3"},
                                U("nx.test") + "\n" + U("silent.test") + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r.out, "[FAIL] " + U("nx.test") + " (no such host: nx.test, ")) << r.out;
  EXPECT_TRUE(Has(r.out, "[FAIL] " + U("silent.test") + " (DNS lookup failed: silent.test"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "no such host ")) << "--stats' failure kinds";
  EXPECT_TRUE(Has(r.out, "DNS lookup failed ")) << r.out;
}

TEST_F(DnsFailuresTest, ARedirectToAMissingNameIsNoSuchHostToo) {
  // libcurl looks the redirect's host up itself; fetchpool asks its own resolver what failed.
  const ProcessResult r = Fetch({"--json", "--retries", "2", "--retry-wait", "0"},
                                U("ok.test", "/redirect-to?url=" + U("nx.test", "/size/1")) + "\n");
  const std::vector<Json> records = ResultsAndSummary(r.out);
  ASSERT_EQ(records.size(), 2u) << r.out << r.err;
  EXPECT_EQ(records[0]["error_kind"], "no_such_host") << records[0].dump();
  EXPECT_EQ(records[0]["error"], "no such host: nx.test");
  EXPECT_EQ(records[0]["attempts"], 1);
  ASSERT_EQ(records[0]["redirects"].size(), 1u) << "the chain says where it broke";
  EXPECT_EQ(records[0]["redirects"][0]["status"], 302);
  EXPECT_EQ(records[0]["redirects"][0]["url"], U("nx.test", "/size/1"));
}

}  // namespace
}  // namespace fetchpool::testing
