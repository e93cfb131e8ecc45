#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

namespace fetchpool {

// What counts as one host (for --per-host, --per-host-rate, pauses and --host-stats), given the
// host name curl_url found in the URL (the reader keys every job as it validates it): the name
// lower-cased, an IDN in its ASCII (punycode) form through libidn2 (UTS #46 non-transitional, as
// libcurl converts them), without a trailing dot; the port does not matter. A name libidn2
// rejects stays as given, ASCII letters lower-cased.
std::string HostKeyOfName(std::string_view host);
// `url` with an international host name in its ASCII form, as libcurl must be given it (7.88
// cannot convert a name itself in the "C" locale); "" when the URL needs no change (its host is
// ASCII) or libidn2 rejects the name.
std::string AsciiHostUrl(std::string_view url);
// Whether a host, as curl_url gives it (an IPv6 address in brackets), is an IPv4 or IPv6
// address rather than a name.
bool IsIpLiteralHost(const std::string& host);

}  // namespace fetchpool
