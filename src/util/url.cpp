#include "fetchpool/util/url.hpp"

#include "fetchpool/util/text.hpp"

namespace fetchpool {

UrlHandle ParseUrl(std::string_view url, unsigned flags) {
  UrlHandle h(curl_url());
  if (!h) return h;
  const std::string copy(url);  // curl_url_set wants a terminated string
  if (curl_url_set(h.get(), CURLUPART_URL, copy.c_str(), flags) != CURLUE_OK) h.reset();
  return h;
}

std::string UrlPart(CURLU* url, CURLUPart part, unsigned flags) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || value == nullptr) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

std::string NormalizedUrl(std::string_view url) {
  const UrlHandle h = ParseUrl(url, CURLU_NON_SUPPORT_SCHEME);
  if (!h) return std::string(url);
  // Host names are case-insensitive, but curl_url keeps the case it was given.
  const std::string host = AsciiLower(UrlPart(h.get(), CURLUPART_HOST));
  if (!host.empty()) curl_url_set(h.get(), CURLUPART_HOST, host.c_str(), 0);
  std::string normal = UrlPart(h.get(), CURLUPART_URL);
  return normal.empty() ? std::string(url) : normal;
}

}  // namespace fetchpool
