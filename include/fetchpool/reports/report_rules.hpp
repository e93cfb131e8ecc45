#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

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

// What a finding is about: the URL ("URL [ADDRESS]" with --each-address, one finding per
// address), or an expiring certificate's host (the certificate is the host's, whatever the
// path). Also what FindingFingerprint is given.
std::string FindingSubject(const Result& result);

// "SUBJECT: reason", the one-line message every report uses for a failed or warned URL.
std::string FindingMessage(const Result& result);

// An expiring certificate is one finding in the CI reports, not one per URL that came with it
// (a host's hundred URLs share one certificate). Thread-compatible: one per report.
class CertificateFindings {
 public:
  // False for an expiring-certificate result whose certificate was already reported.
  bool Reports(const Result& result);

 private:
  std::unordered_set<std::string> seen_;  // the certificates' SHA-256
};

}  // namespace fetchpool
