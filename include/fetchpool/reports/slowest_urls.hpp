#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

// The N slowest results of a run in constant memory: a min-heap of N entries, each keeping a
// capped copy of its URL and reason.
// Thread-compatible: owned by one report.
class SlowestUrls {
 public:
  struct Entry {
    std::chrono::microseconds elapsed{0};
    std::uint64_t seq = 0;
    std::string_view input;
    std::uint64_t line = 0;
    std::uint32_t column = 0;
    std::string url;     // at most kKeptBytes of it
    std::string reason;  // empty when ok; at most kKeptBytes
    bool ok = false;
    bool warning = false;
  };
  static constexpr std::size_t kKeptBytes = 512;

  explicit SlowestUrls(std::size_t capacity) : capacity_(capacity) {}
  void Add(const Result& result);
  // Slowest first (ties: input order).
  std::vector<Entry> Sorted() const;

 private:
  std::size_t capacity_;
  std::vector<Entry> heap_;  // the fastest kept entry on top
};

}  // namespace fetchpool
