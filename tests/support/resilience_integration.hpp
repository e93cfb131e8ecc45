// Shared by the resilience_*_integration_test.cpp files: running the real
// binary with a clean environment, finding a URL's result line, and the
// fixture (a loopback TestServer per test).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/subprocess.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {

// Proxy variables from the environment would send loopback requests elsewhere.
inline SubprocessOptions CleanEnv() {
  SubprocessOptions opts;
  opts.env_unset = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                    "all_proxy",  "ALL_PROXY",  "no_proxy",    "NO_PROXY"};
  return opts;
}

inline ProcessResult Fetchpool(std::vector<std::string> args, const std::string& input,
                               SubprocessOptions opts = CleanEnv()) {
  args.insert(args.begin(), FETCHPOOL_BINARY);
  args.push_back("--color=never");
  return RunProcess(args, input, std::chrono::seconds(20), opts);
}

// The result line for `url`, or "" when there is none.
inline std::string LineFor(const std::string& out, const std::string& url) {
  for (const std::string& line : SplitLines(out)) {
    if (line.starts_with("[") && line.find(" " + url + " (") != std::string::npos) return line;
  }
  return {};
}

// The TIMEms figure of a result line, or -1.
inline long MsOf(const std::string& line) {
  const auto ms = line.find("ms");
  if (ms == std::string::npos) return -1;
  const auto start = line.rfind(' ', ms);
  return std::strtol(line.c_str() + start + 1, nullptr, 10);
}

class ResilienceTest : public ::testing::Test {
 protected:
  TestServer server_;
};

}  // namespace fetchpool::testing
