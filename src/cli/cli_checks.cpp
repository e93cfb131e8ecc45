#include "fetchpool/cli/cli_checks.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/url.hpp"
#include "fetchpool/version.hpp"

namespace fetchpool {
namespace {

constexpr double kOneYear = 365 * 86400.0;

std::optional<double> Seconds(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0 || v > kOneYear) {
    return std::nullopt;
  }
  return v;
}

bool HasControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

std::optional<double> ParsePositiveSeconds(const std::string& text) {
  const std::optional<double> v = Seconds(text);
  if (!v || *v <= 0) return std::nullopt;
  return v;
}

std::optional<double> ParseNonNegativeSeconds(const std::string& text) { return Seconds(text); }

std::string CheckOneLine(const std::string& text) {
  if (HasControl(text)) return "no control characters or line breaks allowed";
  return {};
}

std::string CheckHeaderLine(const std::string& text) {
  if (text.starts_with('@') && text.size() > 1) return {};  // -H @FILE: read after parsing
  // The value is not echoed: it may be a secret that lacks only its colon.
  if (!IsHeaderLine(text)) return "expected \"Name: value\", \"Name:\", \"Name;\" or @FILE";
  return {};
}

std::string CheckUserPassword(const std::string& text) {
  if (text.find(':') == std::string::npos || HasControl(text)) return "expected USER:PASSWORD";
  return {};
}

std::string CheckProxyUrl(const std::string& text) {
  std::string bad = fmt::format(
      "'{}' is not a proxy URL (expected [SCHEME://]HOST[:PORT], SCHEME one of http, https, "
      "socks4, socks4a, socks5, socks5h)",
      RedactUrl(text));
  if (text.empty() || HasControl(text)) return bad;
  const UrlHandle h = ParseUrl(text, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME);
  if (!h) return bad;
  const std::string scheme = UrlPart(h.get(), CURLUPART_SCHEME);
  for (const char* allowed : {"http", "https", "socks4", "socks4a", "socks5", "socks5h"}) {
    if (scheme == allowed) return {};
  }
  return bad;
}

std::string VersionText() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  std::string features;
  for (const char* const* f = info->feature_names; f != nullptr && *f != nullptr; ++f) {
    features += ' ';
    features += *f;
  }
  return fmt::format("fetchpool {}\nlibcurl {} ({})\nfeatures:{}", kVersion, info->version,
                     info->ssl_version != nullptr ? info->ssl_version : "no TLS", features);
}

}  // namespace fetchpool
