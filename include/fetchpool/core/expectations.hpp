#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fetchpool/util/status_set.hpp"

namespace fetchpool {

// Per-line checks written after the URL, separated by whitespace:
//   status=200,301   max-ms=500   contains=TEXT   sha256=HEX
// TEXT is percent-decoded, so contains=Hello%20world matches "Hello world". A plain value.
struct Expectations {
  std::optional<StatusSet> status;
  std::optional<long> max_ms;
  std::optional<std::string> contains;  // decoded
  std::string contains_text;            // as written, for messages
  std::string sha256;                   // 64 lower-case hex digits, or empty

  bool NeedsBody() const { return contains.has_value() || !sha256.empty(); }
};

// Parses the text after the URL. Returns an empty string, or why the checks are not valid.
std::string ParseExpectations(std::string_view text, Expectations& out);

struct BodyFacts;

// Gathers what the body checks need (contains=, sha256=) as the body streams through it, without
// keeping the body; the verdict judges the checks from those facts. Thread-compatible: one per
// worker, reset for every transfer.
class BodyChecker {
 public:
  BodyChecker();
  ~BodyChecker();
  BodyChecker(const BodyChecker&) = delete;
  BodyChecker& operator=(const BodyChecker&) = delete;

  // Starts a transfer checked against `expect` (may be null: then Consume is a no-op).
  void Reset(const Expectations* expect);
  // Drops what was consumed so far (a retry or a redirect body starts over).
  void Restart();
  void Consume(std::string_view data);
  // What the consumed body showed: whether contains= occurred, and its sha256= digest.
  void Observe(BodyFacts& facts);

 private:
  struct Digest;
  const Expectations* expect_ = nullptr;
  bool found_ = false;
  std::string tail_;  // last needle-1 bytes, so a match across two chunks is still found
  std::unique_ptr<Digest> digest_;
};

}  // namespace fetchpool
