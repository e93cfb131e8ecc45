// --each-address, end to end: the real binary, in a private mount namespace whose /etc/hosts
// gives one name three addresses (127.0.0.2, 127.0.0.3 and ::1) and whose resolv.conf points at
// nothing, against a loopback nginx listening on two of them; the third refuses connections.
// No name is ever sent to a DNS server.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/cert_servers.hpp"
#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"
#include "support/tls_servers.hpp"

namespace fetchpool::testing {
namespace {

using Json = nlohmann::json;

const std::vector<std::string> kProxyVariables = {"http_proxy",  "HTTP_PROXY", "https_proxy",
                                                  "HTTPS_PROXY", "all_proxy",  "ALL_PROXY"};

// Runs fetchpool with /etc/hosts and /etc/resolv.conf replaced, for it alone.
constexpr const char* kPrivateNames =
    "mount --bind \"$0\" /etc/hosts && mount --bind \"$1\" /etc/resolv.conf && shift && "
    "exec \"$@\"";

class EachAddressTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string nginx = FindProgram("nginx");
    const std::string unshare = FindProgram("unshare");
    if (nginx.empty() || unshare.empty()) {
      skip_reason_ = "needs nginx and unshare";
      return;
    }
    if (RunProcess({unshare, "-m", "true"}, {}, kRunTimeout).exit_code != 0) {
      skip_reason_ = "needs a private mount namespace (unshare -m: run as root)";
      return;
    }
    try {
      server_ = std::make_unique<SitesServer>(
          nginx, std::vector<Site>{{{"127.0.0.2", "[::1]"}, std::nullopt}});
      names_ = std::make_unique<TempDir>();
      names_->Write("hosts",
                    "127.0.0.1 localhost\n"
                    "127.0.0.2 multi.test\n127.0.0.3 multi.test\n::1 multi.test\n"
                    "127.0.0.2 single.test\n");
      // Nothing listens there: a name missing from hosts fails at once, and stays here.
      names_->Write("resolv.conf", "nameserver 127.0.0.9\noptions timeout:1 attempts:1\n");
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    server_.reset();
    names_.reset();
  }
  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  static std::string TestName() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  static std::string Url(const std::string& host, int n) {
    return "http://" + host + ":" + std::to_string(server_->port(0)) + "/" + TestName() + "/" +
           std::to_string(n);
  }
  static ProcessResult Fetch(std::vector<std::string> args, const std::string& urls) {
    std::vector<std::string> argv = {"-m",
                                     "sh",
                                     "-c",
                                     kPrivateNames,
                                     *names_ / "hosts",
                                     *names_ / "resolv.conf",
                                     FETCHPOOL_BINARY,
                                     "--no-progress"};
    argv.insert(argv.end(), args.begin(), args.end());
    SubprocessOptions opts;
    opts.env_unset = kProxyVariables;
    return RunCli(FindProgram("unshare"), std::move(argv), urls, kRunTimeout, std::move(opts));
  }

  inline static std::string skip_reason_;
  inline static std::string setup_error_;
  inline static std::unique_ptr<SitesServer> server_;
  inline static std::unique_ptr<TempDir> names_;
};

TEST_F(EachAddressTest, EveryAddressIsFetchedOnceAndARefusedOneFailsAlone) {
  const std::string urls = Url("multi.test", 0) + "\n" + Url("multi.test", 1) + "\n";
  const ProcessResult r = Fetch({"--each-address", "--json"}, urls);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << "127.0.0.3 refuses: " << r.out << r.err;
  std::map<std::string, std::map<std::string, Json>> by_url;  // url -> ip -> record
  Json summary;
  for (const std::string& line : SplitLines(r.out)) {
    const Json j = Json::parse(line);
    if (j["type"] == "result") by_url[j["url"]][j["ip"]] = j;
    if (j["type"] == "summary") summary = j;
  }
  ASSERT_EQ(by_url.size(), 2u) << r.out;
  for (const auto& [url, by_ip] : by_url) {
    ASSERT_EQ(by_ip.size(), 3u) << url << ": " << r.out;
    EXPECT_EQ(by_ip.at("127.0.0.2")["ok"], true);
    EXPECT_EQ(by_ip.at("::1")["ok"], true);
    EXPECT_EQ(by_ip.at("127.0.0.3")["ok"], false);
    EXPECT_EQ(by_ip.at("127.0.0.3")["error_kind"], "connect") << by_ip.at("127.0.0.3").dump();
  }
  EXPECT_EQ(summary["total"], 6);
  EXPECT_EQ(summary["urls"], 2);
  EXPECT_EQ(summary["failed"], 2);
  // nginx saw each URL once on each address that answers.
  const std::vector<SiteRequest> seen = server_->WaitForRequests("/" + TestName() + "/", 4);
  std::map<std::string, int> per_address;
  for (const SiteRequest& s : seen) ++per_address[s.address];
  EXPECT_EQ(per_address["127.0.0.2"], 2);
  EXPECT_EQ(per_address["::1"], 2);
  EXPECT_EQ(seen.size(), 4u);
}

TEST_F(EachAddressTest, TextLinesAreLabelledAndTheSummaryCountsUrlsAndResults) {
  const std::string urls =
      Url("multi.test", 0) + "\n" + Url("multi.test", 1) + "\n" + Url("single.test", 2) + "\n";
  const ProcessResult r = Fetch({"--each-address", "--ordered", "-w", "4"}, urls);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 8u) << r.out;
  EXPECT_TRUE(Has(lines.back(), "Summary: 3 URLs, 7 results, 5 ok, 2 failed, ")) << lines.back();
  lines.pop_back();
  // In input order, and within a URL in the order the name resolved (::1 first, RFC 6724).
  std::vector<std::string> labels;
  for (const std::string& line : lines) {
    const auto open = line.find(" [");
    labels.push_back(line.substr(0, 7) + line.substr(open, line.find("] (") - open + 1));
  }
  const std::vector<std::string> want = {
      "[OK]    [::1]",       "[OK]    [127.0.0.2]", "[FAIL]  [127.0.0.3]", "[OK]    [::1]",
      "[OK]    [127.0.0.2]", "[FAIL]  [127.0.0.3]", "[OK]    [127.0.0.2]"};
  EXPECT_EQ(labels, want) << r.out;
  EXPECT_TRUE(Has(r.out, "[FAIL] " + Url("multi.test", 0) + " [127.0.0.3] (connection refused"))
      << r.out;
}

TEST_F(EachAddressTest, EachAddressKeepsItsOwnConnectionForItsUrls) {
  std::string urls;
  for (int n = 0; n < 3; ++n) urls += Url("multi.test", n) + "\n";
  const ProcessResult r = Fetch({"--each-address", "-w", "1"}, urls);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<SiteRequest> seen = server_->WaitForRequests("/" + TestName() + "/", 6);
  ASSERT_EQ(seen.size(), 6u);
  std::map<std::string, std::set<std::string>> connections;  // address -> connection ids
  for (const SiteRequest& s : seen) connections[s.address].insert(s.connection);
  EXPECT_EQ(connections["127.0.0.2"].size(), 1u) << "its three URLs on one connection";
  EXPECT_EQ(connections["::1"].size(), 1u);
}

// The fetcher follows redirects itself: a job's address stands for its listed host only. A
// redirect to that host stays on the job's address; one to another name is looked up as usual
// (single.test is 127.0.0.2 alone), whichever address the job had.
TEST_F(EachAddressTest, ARedirectStaysOnTheAddressOnlyForTheListedHost) {
  const std::string port = std::to_string(server_->port(0));
  const std::string same = "/" + TestName() + "/same";
  const std::string other = "/" + TestName() + "/other";
  const std::string urls = "http://multi.test:" + port + "/to/multi.test" + same + "\n" +
                           "http://multi.test:" + port + "/to/single.test" + other + "\n";
  const ProcessResult r = Fetch({"--each-address", "--json"}, urls);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << "127.0.0.3 refuses: " << r.out << r.err;
  std::map<std::string, std::map<std::string, Json>> by_url;  // url -> ip -> record
  for (const std::string& line : SplitLines(r.out)) {
    const Json j = Json::parse(line);
    if (j["type"] == "result") by_url[j["url"]][j["ip"]] = j;
  }
  ASSERT_EQ(by_url.size(), 2u) << r.out;
  for (const auto& [url, by_ip] : by_url) {
    ASSERT_EQ(by_ip.size(), 3u) << url << ": " << r.out;
    EXPECT_EQ(by_ip.at("127.0.0.2")["ok"], true) << by_ip.at("127.0.0.2").dump();
    EXPECT_EQ(by_ip.at("::1")["ok"], true) << by_ip.at("::1").dump();
    EXPECT_EQ(by_ip.at("127.0.0.3")["error_kind"], "connect");
  }
  std::map<std::string, int> same_at;  // address -> requests for the redirect's target
  for (const SiteRequest& s : server_->WaitForRequests(same, 2)) ++same_at[s.address];
  EXPECT_EQ(same_at["127.0.0.2"], 1);
  EXPECT_EQ(same_at["::1"], 1) << "the ::1 job's redirect to its own host stayed on ::1";
  std::map<std::string, int> other_at;
  for (const SiteRequest& s : server_->WaitForRequests(other, 2)) ++other_at[s.address];
  EXPECT_EQ(other_at["127.0.0.2"], 2) << "single.test is 127.0.0.2, even from the ::1 job";
  EXPECT_EQ(other_at["::1"], 0);
}

TEST_F(EachAddressTest, WithoutTheFlagAUrlIsFetchedOnceAsBefore) {
  const ProcessResult r = Fetch({"--json"}, Url("multi.test", 0) + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 4u) << "run, result, end, summary: " << r.out;
  const Json result = Json::parse(lines[1]);
  EXPECT_TRUE(result["address_index"].is_null() && result["address_count"].is_null()) << lines[1];
  const Json summary = Json::parse(lines[3]);
  EXPECT_EQ(summary["total"], 1);
  EXPECT_FALSE(summary.contains("urls"));
  EXPECT_EQ(server_->WaitForRequests("/" + TestName() + "/", 1).size(), 1u);
}

TEST_F(EachAddressTest, ANameThatDoesNotResolveIsOneFailure) {
  const ProcessResult r = Fetch({"--each-address"}, Url("missing.test", 0) + "\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Nothing answers at the private resolv.conf's server: the lookup failed (not "no such host").
  EXPECT_TRUE(Has(r.out, "[FAIL] " + Url("missing.test", 0) + " (DNS lookup failed: missing.test"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "Summary: 1 URL, 1 result, 0 ok, 1 failed")) << r.out;
}

TEST_F(EachAddressTest, AProxyIsRefusedBeforeAnythingIsFetched) {
  const ProcessResult r =
      Fetch({"--each-address", "--proxy", "http://127.0.0.1:9"}, Url("multi.test", 0) + "\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "--each-address connects to each address itself")) << r.err;
  EXPECT_EQ(r.out, "");
}

// The result records of a JSON Lines output, by URL and address.
std::map<std::pair<std::string, std::string>, Json> ByUrlAndIp(const std::string& out) {
  std::map<std::pair<std::string, std::string>, Json> records;
  for (const std::string& line : SplitLines(out)) {
    const Json j = Json::parse(line);
    if (j["type"] == "result") records[{j["url"], j["ip"]}] = j;
  }
  return records;
}

// fetchpool report reads an --each-address run back as it ran: a result per address, each
// labelled, URLs and results counted apart, and every column as the run wrote it.
TEST_F(EachAddressTest, FetchpoolReportMergesTheRunAsItRan) {
  const std::string urls =
      Url("multi.test", 0) + "\n" + Url("multi.test", 1) + "\n" + Url("single.test", 2) + "\n";
  const ProcessResult run = Fetch({"--each-address", "--json", "-w", "4"}, urls);
  ASSERT_FALSE(run.timed_out);
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;

  const ProcessResult text = RunFetchpool({"report", "--no-progress", "-"}, run.out);
  EXPECT_EQ(text.exit_code, 1) << "as the run: " << text.out << text.err;
  EXPECT_TRUE(Has(text.out, "[FAIL] " + Url("multi.test", 1) + " [127.0.0.3] (connection refused"))
      << text.out;
  EXPECT_TRUE(Has(text.out, "[OK]   " + Url("multi.test", 0) + " [::1] (")) << text.out;
  EXPECT_TRUE(Has(text.out, "[OK]   " + Url("single.test", 2) + " [127.0.0.2] (")) << text.out;
  EXPECT_TRUE(Has(SplitLines(text.out).back(), "Summary: 3 URLs, 7 results, 5 ok, 2 failed, "))
      << text.out;

  const ProcessResult json = RunFetchpool({"report", "--json", "-"}, run.out);
  EXPECT_EQ(json.exit_code, 1) << json.err;
  const auto ran = ByUrlAndIp(run.out);
  const auto merged = ByUrlAndIp(json.out);
  ASSERT_EQ(ran.size(), 7u) << run.out;
  EXPECT_EQ(merged, ran) << "every result record comes back as the run wrote it";
  EXPECT_EQ(ran.at({Url("multi.test", 0), "127.0.0.3"})["address_count"], 3);
  const Json summary = Json::parse(SplitLines(json.out).back());
  EXPECT_EQ(summary["urls"], 3);
  EXPECT_EQ(summary["total"], 7);

  // The merge is a run of its own: its output merges again, to the same.
  const ProcessResult again = RunFetchpool({"report", "-q", "-"}, json.out);
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_TRUE(Has(again.out, "Summary: 3 URLs, 7 results, 5 ok, 2 failed, ")) << again.out;
}

// --dedup: a URL given twice is fetched at each address once; its duplicate is what the worst
// address found.
TEST_F(EachAddressTest, WithDedupADuplicateIsWhatItsWorstAddressFound) {
  const std::string urls = Url("multi.test", 0) + "\n" + Url("multi.test", 0) + "\n";
  const ProcessResult r = Fetch({"--each-address", "--dedup", "--ordered"}, urls);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  EXPECT_TRUE(Has(lines[3], "[FAIL] " + Url("multi.test", 0) + " (connection refused")) << r.out;
  EXPECT_TRUE(Has(lines[3], "duplicate of (stdin):1")) << lines[3];
  EXPECT_TRUE(Has(lines[4], "Summary: 2 URLs, 4 results, 2 ok, 2 failed, 1 duplicate")) << r.out;
  EXPECT_EQ(server_->WaitForRequests("/" + TestName() + "/", 2).size(), 2u)
      << "fetched once at each address that answers";
}

}  // namespace
}  // namespace fetchpool::testing
