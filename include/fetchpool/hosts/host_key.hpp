#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

namespace fetchpool {

// What counts as one host (for --per-host, --per-host-rate, pauses and --host-stats): the URL's
// host name, lower-cased, an IDN in its ASCII (punycode) form, without a trailing dot; the port
// does not matter. Empty when curl_url cannot find one.
std::string HostKey(std::string_view url);
// The same for a URL curl_url has already parsed (the reader validates every URL with one).
std::string HostKeyOf(CURLU* url);
// A host name as HostKey keys it: UTF-8 names go through libidn2 (UTS #46 non-transitional,
// as libcurl converts them); a name libidn2 rejects stays as given, ASCII letters lower-cased.
std::string HostKeyOfName(std::string_view host);
// `url` with an international host name in its ASCII form, as libcurl must be given it (7.88
// cannot convert a name itself in the "C" locale); "" when the URL needs no change (its host is
// ASCII) or libidn2 rejects the name.
std::string AsciiHostUrl(std::string_view url);
// Whether a host, as curl_url gives it (an IPv6 address in brackets), is an IPv4 or IPv6
// address rather than a name.
bool IsIpLiteralHost(const std::string& host);

}  // namespace fetchpool
