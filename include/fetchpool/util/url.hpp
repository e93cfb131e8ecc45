#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

namespace fetchpool {

namespace detail {
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
}  // namespace detail

// Move-only owner of a parsed URL (libcurl's curl_url, the one URL parser fetchpool uses).
using UrlHandle = std::unique_ptr<CURLU, detail::UrlDeleter>;

// `url` parsed by curl_url with CURLU_* `flags`; null when libcurl rejects it (or is out of
// memory).
UrlHandle ParseUrl(std::string_view url, unsigned flags);
// One part of a parsed URL (CURLU_* `flags` as for curl_url_get), or "" when it has none.
std::string UrlPart(CURLU* url, CURLUPart part, unsigned flags = 0);
// libcurl's normal form of `url` (lower-case scheme and host, "/" for an empty path...), or
// `url` itself when it does not parse.
std::string NormalizedUrl(std::string_view url);

}  // namespace fetchpool
