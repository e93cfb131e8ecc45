// Shared by the output_*_integration_test.cpp files: the fixture (a loopback
// TestServer per test), hostile input lines, and parsers for the outputs.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "support/test_server.hpp"
#include "support/text.hpp"

namespace fetchpool::testing {

using Json = nlohmann::json;

// The bytes behind pairs of hex digits, as the Python helpers print them.
inline std::string Unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// Every stdout line parsed; a line that does not parse fails the test and is skipped.
inline std::vector<Json> ParseJsonLines(const std::string& out) {
  std::vector<Json> records;
  for (const std::string& line : SplitLines(out)) {
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
    EXPECT_TRUE(j.is_object()) << line;
    if (!j.is_discarded()) records.push_back(std::move(j));
  }
  return records;
}

// The result records and the summary, as --json wrote them before the run and end records came.
inline std::vector<Json> ResultsAndSummary(const std::string& out) {
  std::vector<Json> records;
  for (Json& j : ParseJsonLines(out)) {
    if (j.value("type", "") != "run" && j.value("type", "") != "end")
      records.push_back(std::move(j));
  }
  return records;
}

// Lines that try to break JSON, CSV and XML writers. Some are valid URLs (and
// fetched), the rest invalid; all must come out parseable.
inline std::vector<std::string> HostileLines(const TestServer& server) {
  const std::string base = server.url("/size/1");
  return {
      base + "?q=\"quoted\"",
      base + "?back\\slash\\",
      base + "?a=1,2,3",
      base + "?j={\"a\":[1,2]}&x='y'",
      base + "?x=<tag>&amp;",
      base + "?utf8=\xC3\xA9\xE2\x82\xAC",  // é€
      base + "?bad=\xFF\xFE",               // invalid UTF-8
      base + "?cut=\xC3",                   // truncated sequence
      "\"" + base + "\"",                   // quoted: not a URL
      base + "?ctl=\x01\x02",
      base + "?esc=\x1b[31m",
      base + "?del=\x7f",
  };
}

// Each test gets its own loopback server; U(path) is a URL on it, Refused() one
// whose port refuses connections.
class OutputIntegrationTest : public ::testing::Test {
 protected:
  std::string U(std::string_view path) const { return server_.url(path); }
  std::string Refused() const { return "http://127.0.0.1:" + std::to_string(RefusedPort()) + "/"; }

  TestServer server_;
};

}  // namespace fetchpool::testing
