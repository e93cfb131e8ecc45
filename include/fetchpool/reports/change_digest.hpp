#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

// The "what changed" part of a report under --state: the URLs that fail now but did not last
// time, and those that failed last time and are ok now. Only the first `max_rows` of each are
// kept (so memory stays bounded); all of them are counted. Thread-compatible: owned by a sink.
class ChangeDigest {
 public:
  struct Entry {
    std::string input;
    std::uint64_t line = 0;
    std::uint32_t column = 0;
    std::string url;
    std::string reason;  // empty for a recovered URL
    int attempts = 1;
  };

  explicit ChangeDigest(std::size_t max_rows) : max_rows_(max_rows) {}

  void Add(const Result& result);

  const std::vector<Entry>& new_failures() const { return new_failures_; }
  const std::vector<Entry>& recovered() const { return recovered_; }
  std::uint64_t new_failure_count() const { return new_failure_count_; }
  std::uint64_t recovered_count() const { return recovered_count_; }
  std::uint64_t still_failing_count() const { return still_failing_count_; }

 private:
  std::size_t max_rows_;
  std::vector<Entry> new_failures_;
  std::vector<Entry> recovered_;
  std::uint64_t new_failure_count_ = 0;
  std::uint64_t recovered_count_ = 0;
  std::uint64_t still_failing_count_ = 0;
};

}  // namespace fetchpool
