// Small string helpers shared by the tests: lines, occurrences, escaping.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fetchpool::testing {

// Lines without their '\n'; a missing final newline still ends a line, and
// there is no empty element after a final newline ("" gives none, "\n" one "").
std::vector<std::string> SplitLines(std::string_view text);

// "a\nb\n" from {"a", "b"}.
std::string JoinLines(const std::vector<std::string>& lines);

// Non-overlapping occurrences of needle in text, counted left to right.
std::size_t Count(std::string_view text, std::string_view needle);

// EXPECT_TRUE(Has(text, needle)) shows both when it fails.
inline ::testing::AssertionResult Has(std::string_view text, std::string_view needle) {
  if (text.find(needle) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << needle << "\" not found in:\n" << text;
}

// Escapes every regex metacharacter, for building std::regex around a URL.
std::string RegexEscape(std::string_view text);

// Percent-encodes every byte but RFC 3986's unreserved characters
// (A-Z a-z 0-9 - . _ ~), with upper-case hex: for query values such as ?url=.
std::string PercentEncode(std::string_view text);

}  // namespace fetchpool::testing
