#include "fetchpool/shard.hpp"

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
  if (!k || !n || *k < 1 || *k > *n || *n > 1'000'000) return std::nullopt;
  return Shard(*k, *n);
}

std::uint64_t Shard::Hash(std::string_view url) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a: tiny, stable, and spreads URLs well
  for (unsigned char c : url) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace fetchpool
