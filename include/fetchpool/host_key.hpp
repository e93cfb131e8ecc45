#pragma once

#include <string>
#include <string_view>

namespace fetchpool {

// What counts as one host (for --per-host, --per-host-rate, pauses and --host-stats): the URL's
// host name, lower-cased, an IDN in its ASCII (punycode) form, without a trailing dot; the port
// does not matter. Empty when curl_url cannot find one.
std::string HostKey(std::string_view url);

}  // namespace fetchpool
