#pragma once

#include <string>
#include <string_view>

#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/core/result.hpp"

namespace fetchpool {

// A result's input file as the CI reports name it: as given on the command line, less leading
// "./" (code scanning and GitLab match paths relative to the repository root); "-" for stdin.
std::string_view ReportPath(std::string_view input);

// A stable identity for one finding, for code scanning and Code Quality to follow across runs:
// the hex SHA-256 of the report path, the URL and the rule id (never the line or a time, which
// change when unrelated lines move or runs repeat).
std::string FindingFingerprint(std::string_view input, std::string_view url, ErrorKind kind);

// "URL: reason", the one-line message every report uses for a failed or warned URL.
std::string FindingMessage(const Result& result);

}  // namespace fetchpool
