#include "fetchpool/input/url_keys.hpp"

#include <xxhash.h>

namespace fetchpool {

UrlKey128 KeyOfUrl(std::string_view url, std::uint64_t seed) {
  url = url.substr(0, url.find('#'));
  const XXH128_hash_t h = XXH3_128bits_withSeed(url.data(), url.size(), seed);
  return {h.low64, h.high64};
}

}  // namespace fetchpool
