#include "fetchpool/state/url_key.hpp"

#include <bit>

namespace fetchpool {

std::int64_t UrlKey(std::string_view url) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis and prime
  for (const char c : url) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return std::bit_cast<std::int64_t>(h);
}

}  // namespace fetchpool
