#include "fetchpool/host_limiter.hpp"

#include "fetchpool/curl_handles.hpp"

namespace fetchpool {

std::string HostKey(std::string_view url) {
  UrlHandle h(curl_url());
  if (!h) return {};
  const std::string copy(url);
  char* host = nullptr;
  if (curl_url_set(h.get(), CURLUPART_URL, copy.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
      curl_url_get(h.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || host == nullptr) {
    return {};
  }
  std::string key(host);
  curl_free(host);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

}  // namespace fetchpool
