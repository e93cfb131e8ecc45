#include "fetchpool/host_limiter.hpp"

#include "fetchpool/curl_handles.hpp"
#include "fetchpool/text.hpp"

namespace fetchpool {

std::string HostKey(std::string_view url) {
  const UrlHandle h = ParseUrl(url, CURLU_NON_SUPPORT_SCHEME);
  return h ? AsciiLower(UrlPart(h.get(), CURLUPART_HOST)) : std::string();
}

}  // namespace fetchpool
