// Shared by the cli_*_integration_test.cpp files: the fixture (a loopback
// TestServer per test) and matchers for fetchpool's text result lines.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The lines before the summary, i.e. one per URL.
inline std::vector<std::string> ResultLines(const std::string& out) {
  std::vector<std::string> lines = SplitLines(out);
  if (!lines.empty() && ParseSummary(lines.back())) lines.pop_back();
  return lines;
}

// The only line of lines that matches re, or "" when none or several do.
inline std::string OnlyMatch(const std::vector<std::string>& lines, const std::regex& re) {
  std::string found;
  int matches = 0;
  for (const auto& line : lines) {
    if (std::regex_match(line, re)) {
      found = line;
      ++matches;
    }
  }
  return matches == 1 ? found : std::string();
}

// "[OK]   URL (SIZE, Nms)" exactly.
inline std::regex OkLine(const std::string& url, const std::string& size) {
  return std::regex(R"(^\[OK\]   )" + RegexEscape(url) + " \\(" + RegexEscape(size) +
                    R"(, \d+ms\)$)");
}

// "[FAIL] URL (REASON, Nms)" where REASON matches reason_re.
inline std::regex FailLine(const std::string& url, const std::string& reason_re) {
  return std::regex(R"(^\[FAIL\] )" + RegexEscape(url) + " \\(" + reason_re + R"(, \d+ms\)$)");
}

// Milliseconds from a result line's "(..., Nms)".
inline long LineMs(const std::string& line) {
  static const std::regex kMs(R"(, (\d+)ms\)$)");
  std::smatch m;
  if (!std::regex_search(line, m, kMs)) return -1;
  return std::stol(m[1].str());
}

// Each test gets its own loopback server; U(path) is a URL on it.
class CliIntegrationTest : public ::testing::Test {
 protected:
  std::string U(std::string_view path) const { return server_.url(path); }

  TestServer server_;
};

}  // namespace fetchpool::testing
