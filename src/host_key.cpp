#include "fetchpool/host_key.hpp"

#include "fetchpool/curl_handles.hpp"
#include "fetchpool/text.hpp"

namespace fetchpool {
namespace {

bool IsAscii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

std::string HostKey(std::string_view url) {
  const UrlHandle h = ParseUrl(url, CURLU_NON_SUPPORT_SCHEME);
  if (!h) return {};
  std::string host = UrlPart(h.get(), CURLUPART_HOST);
#ifdef CURLU_PUNYCODE
  // libcurl 7.88 converts with libidn2 when it has it; without IDN support the name stays as
  // given (still one key per spelling).
  if (!IsAscii(host)) {
    std::string ascii = UrlPart(h.get(), CURLUPART_HOST, CURLU_PUNYCODE);
    if (!ascii.empty()) host = std::move(ascii);
  }
#endif
  if (host.size() > 1 && host.back() == '.') host.pop_back();
  return AsciiLower(host);
}

}  // namespace fetchpool
