#pragma once

#include <cstdint>
#include <string_view>

namespace fetchpool {

// The state's index key for a URL (urls.url_key, schema 3): FNV-1a 64 of its exact bytes, as a
// signed SQLite integer. Stored in every state file, so it must never change. A key only narrows
// the search; the URL bytes are always compared too, so colliding URLs stay distinct.
std::int64_t UrlKey(std::string_view url);

}  // namespace fetchpool
