#include "fetchpool/hosts/host_key.hpp"

#include <arpa/inet.h>
#include <idn2.h>

#include <memory>

#include "fetchpool/util/text.hpp"
#include "fetchpool/util/url.hpp"

namespace fetchpool {
namespace {

bool IsAscii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

struct Idn2Free {
  void operator()(char* p) const { idn2_free(p); }
};

// libidn2 on the UTF-8 name itself. (libcurl 7.88's CURLU_PUNYCODE calls idn2_lookup_ul, which
// reads the name in the locale's charset: in the "C" locale fetchpool runs in, every non-ASCII
// name fails there, reported as CURLUE_OUT_OF_MEMORY.) The flags and the transitional second
// try are libcurl's, so the key is the name libcurl would look up. "" when both fail.
std::string ToAscii(const std::string& utf8) {
  for (const int flags : {IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL, int{IDN2_TRANSITIONAL}}) {
    char* out = nullptr;
    const int rc = idn2_to_ascii_8z(utf8.c_str(), &out, flags);
    const std::unique_ptr<char, Idn2Free> owned(out);
    if (rc == IDN2_OK && out != nullptr) return out;
  }
  return {};
}

}  // namespace

std::string HostKeyOfName(std::string_view host) {
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  if (IsAscii(host)) return AsciiLower(host);
  std::string ascii = ToAscii(std::string(host));
  // Lower-case even libidn2's answer: it leaves ASCII labels of a mixed name as they were.
  return AsciiLower(ascii.empty() ? host : std::string_view(ascii));
}

std::string AsciiHostUrl(std::string_view url) {
  if (IsAscii(url)) return {};
  const UrlHandle h = ParseUrl(url, CURLU_NON_SUPPORT_SCHEME);
  if (!h) return {};
  const std::string host = UrlPart(h.get(), CURLUPART_HOST);
  if (IsAscii(host)) return {};
  const std::string ascii = ToAscii(host);
  if (ascii.empty() || curl_url_set(h.get(), CURLUPART_HOST, ascii.c_str(), 0) != CURLUE_OK) {
    return {};
  }
  return UrlPart(h.get(), CURLUPART_URL);
}

bool IsIpLiteralHost(const std::string& host) {
  in_addr v4{};
  return host.starts_with('[') || ::inet_pton(AF_INET, host.c_str(), &v4) == 1;
}

}  // namespace fetchpool
