// Shared by the secrets_*_integration_test.cpp files: the real binary against the loopback
// TestServer under several host names (127.0.0.1, localhost and names under .localhost, which
// libcurl resolves itself), with what each host was sent read back from /headers.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {

class SecretsTest : public ::testing::Test {
 protected:
  // Runs fetchpool on `urls` with none of the proxy and CA variables of the test's environment.
  ProcessResult Run(std::vector<std::string> args, const std::string& urls,
                    std::vector<std::pair<std::string, std::string>> env = {}) const {
    SubprocessOptions opts;
    opts.env_unset = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                      "ALL_PROXY",  "no_proxy",   "NO_PROXY",    "HOME"};
    opts.env_set = std::move(env);
    opts.env_set.emplace_back("HOME", dir_.path());  // no ~/.netrc of the machine's
    args.insert(args.begin(), {"--no-progress", "--color=never"});
    return RunFetchpool(std::move(args), urls, kRunTimeout, std::move(opts));
  }

  // The request headers `url` ends up sending to /headers (through its redirects): the body
  // fetchpool saved, one "Name: value" per line after "GET /headers".
  std::string SentBy(const std::string& url, std::vector<std::string> args = {},
                     std::vector<std::pair<std::string, std::string>> env = {}) {
    const std::string out = dir_ / ("out" + std::to_string(++runs_));
    args.insert(args.end(), {"-o", out});
    const ProcessResult r = Run(std::move(args), url + "\n", std::move(env));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    for (const std::string& name : {std::string("headers"), std::string("redirect-to")}) {
      const std::string body = ReadFile(out + "/" + name);
      if (!body.empty()) return body;
    }
    ADD_FAILURE() << "nothing saved for " << url << "\n" << r.out << r.err;
    return {};
  }

  std::string At(const std::string& host, const std::string& path) const {
    return server_.url_for_host(host, path);
  }
  // /redirect-to `target` on `from`.
  std::string RedirectTo(const std::string& from, const std::string& target) const {
    return At(from, "/redirect-to?url=" + PercentEncode(target));
  }
  std::string Config(const std::string& text) const { return dir_.Write("c.toml", text); }

  TestServer server_;
  TempDir dir_;
  int runs_ = 0;
};

}  // namespace fetchpool::testing
