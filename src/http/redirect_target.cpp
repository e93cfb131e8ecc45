#include "fetchpool/http/redirect_target.hpp"

#include <cstdlib>

#include "fetchpool/hosts/host_key.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/url.hpp"

namespace fetchpool {

std::optional<RequestTarget> ParseRequestTarget(std::string_view url) {
  const UrlHandle h = ParseUrl(url, CURLU_NON_SUPPORT_SCHEME);
  if (!h) return std::nullopt;
  RequestTarget t;
  const std::string host = UrlPart(h.get(), CURLUPART_HOST);
  if (host.empty()) return std::nullopt;
  t.url = std::string(url);
  t.scheme = AsciiLower(UrlPart(h.get(), CURLUPART_SCHEME));
  t.host = HostKeyOfName(host);
  t.ip_literal = IsIpLiteralHost(host);
  const std::string port = UrlPart(h.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  t.port = static_cast<std::uint16_t>(std::strtoul(port.c_str(), nullptr, 10));
  return t;
}

bool SameOrigin(const RequestTarget& origin, const RequestTarget& next) {
  return next.host == origin.host && !(origin.scheme == "https" && next.scheme != "https");
}

}  // namespace fetchpool
