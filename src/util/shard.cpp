#include "fetchpool/util/shard.hpp"

#include <charconv>

namespace fetchpool {

std::optional<Shard> Shard::Parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<std::uint64_t> {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
  };
  const std::optional<std::uint64_t> k = number(text.substr(0, slash));
  const std::optional<std::uint64_t> n = number(text.substr(slash + 1));
  if (!k || !n || *k < 1 || *k > *n || *n > kMaxCount) return std::nullopt;
  return Shard(*k, *n);
}

std::uint64_t Shard::Hash(std::string_view url) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a: tiny and stable, but weak in its low bits
  for (unsigned char c : url) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  // splitmix64's finaliser: every input bit affects every output bit with probability ~1/2.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

std::uint64_t Shard::Of(std::uint64_t hash, std::uint64_t count) {
  // Multiply-shift: the high 64 bits of hash * count, so the top bits of the hash decide. Done in
  // 32-bit halves (exact for count < 2^32; Parse allows at most 10^6) rather than with the
  // non-standard __int128.
  const std::uint64_t high = (hash >> 32) * count + (((hash & 0xffffffffull) * count) >> 32);
  return (high >> 32) + 1;
}

}  // namespace fetchpool
