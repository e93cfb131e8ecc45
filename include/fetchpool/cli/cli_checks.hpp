#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fetchpool {

// Validators for command-line values. Each returns "" when the text is acceptable, otherwise the
// reason, which CLI11 prints after the option's name.

// A finite number of seconds in (0, one year], or nullopt.
std::optional<double> ParsePositiveSeconds(const std::string& text);
// A finite number of seconds in [0, one year], or nullopt.
std::optional<double> ParseNonNegativeSeconds(const std::string& text);
// No control characters or line breaks (a header value could otherwise smuggle another header).
std::string CheckOneLine(const std::string& text);
// curl's -H forms: "Name: value", "Name:" (remove), "Name;" (send empty).
std::string CheckHeaderLine(const std::string& text);
std::string CheckUserPassword(const std::string& text);
// [SCHEME://]HOST[:PORT] with a scheme libcurl can proxy through.
std::string CheckProxyUrl(const std::string& text);

// --version's text: fetchpool's version, libcurl's, its TLS library and features.
std::string VersionText();

}  // namespace fetchpool
