#include "fetchpool/fanin/origin_set.hpp"

namespace fetchpool {

bool OriginSet::Insert(const std::string& list, const std::string& file, std::uint64_t line) {
  if (last_key_ == nullptr || last_key_->first != list || last_key_->second != file) {
    auto [it, added] = sources_.try_emplace({list, file});
    last_key_ = &it->first;
    last_ = &it->second;
  }
  Chunk& chunk = (*last_)[line / kChunkLines];
  const std::uint64_t bit = line % kChunkLines;
  const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
  std::uint64_t& word = chunk[bit / 64];
  if ((word & mask) != 0) return false;
  word |= mask;
  return true;
}

}  // namespace fetchpool
