#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

namespace fetchpool {

// Which input lines already have a result, so `fetchpool report` can refuse two results for
// one line (two runs of one shard, a file given twice, shards of different splits). One bit per
// line, in chunks of 1,024 lines allocated as results arrive: a million-line list costs about
// 130 KiB, whatever order the results come in.
// Thread-compatible: owned by the reading thread.
class OriginSet {
 public:
  // Marks line `line` of `file` in the list `list`; false when it was marked already.
  bool Insert(const std::string& list, const std::string& file, std::uint64_t line);

 private:
  static constexpr std::uint64_t kChunkLines = 1024;
  using Chunk = std::array<std::uint64_t, kChunkLines / 64>;
  using Lines = std::unordered_map<std::uint64_t, Chunk>;  // by line / kChunkLines

  std::map<std::pair<std::string, std::string>, Lines> sources_;
  // The last source used: consecutive results nearly always share it.
  const std::pair<std::string, std::string>* last_key_ = nullptr;
  Lines* last_ = nullptr;
};

}  // namespace fetchpool
