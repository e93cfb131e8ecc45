#include "fetchpool/report_rules.hpp"

#include <openssl/evp.h>

#include <array>

namespace fetchpool {
namespace {

constexpr ReportRule kUnknown{"other", "Other", "The URL failed for another reason."};

constexpr std::array<std::pair<ErrorKind, ReportRule>, 18> kRules = {{
    {ErrorKind::kNone, {"none", "None", "The URL was fetched as expected."}},
    {ErrorKind::kInvalidUrl,
     {"invalid-url", "InvalidUrl", "The line is not an http or https URL fetchpool can fetch."}},
    {ErrorKind::kHttpStatus,
     {"http-status", "HttpStatus", "The server answered with a status that is not accepted."}},
    {ErrorKind::kResolve, {"resolve", "Resolve", "The host name could not be resolved."}},
    {ErrorKind::kConnect,
     {"connection", "Connection", "No connection could be made to the server."}},
    {ErrorKind::kTimeout, {"timeout", "Timeout", "The transfer or connection timed out."}},
    {ErrorKind::kStalled,
     {"stalled", "Stalled", "The server sent nothing for longer than --stall-timeout."}},
    {ErrorKind::kTruncated,
     {"truncated", "Truncated", "The connection closed before the whole body arrived."}},
    {ErrorKind::kReset,
     {"connection-reset", "ConnectionReset", "The server reset the connection."}},
    {ErrorKind::kEmptyReply, {"empty-reply", "EmptyReply", "The server closed without a reply."}},
    {ErrorKind::kTooManyRedirects,
     {"too-many-redirects", "TooManyRedirects",
      "The URL redirected more than --max-redirs times."}},
    {ErrorKind::kDisallowedRedirect,
     {"redirect-refused", "RedirectRefused",
      "A redirect led to a scheme fetchpool does not follow."}},
    {ErrorKind::kTls, {"tls", "Tls", "The TLS handshake or certificate check failed."}},
    {ErrorKind::kTooLarge, {"too-large", "TooLarge", "The body is larger than --max-size."}},
    {ErrorKind::kCheckFailed,
     {"check-failed", "CheckFailed",
      "A check on the URL's line (status=, max-ms=, contains=, sha256=) did not hold."}},
    {ErrorKind::kAborted, {"aborted", "Aborted", "The transfer was cut short by a stop."}},
    {ErrorKind::kSaveFailed, {"save-failed", "SaveFailed", "The body could not be saved (-o)."}},
    {ErrorKind::kOther, kUnknown},
}};

}  // namespace

const ReportRule& RuleFor(ErrorKind kind) {
  for (const auto& [k, rule] : kRules) {
    if (k == kind) return rule;
  }
  return kUnknown;
}

std::string_view ReportPath(std::string_view input) {
  while (input.size() > 2 && input.starts_with("./")) {
    input.remove_prefix(2);
    while (input.size() > 1 && input.front() == '/') input.remove_prefix(1);  // ".//a"
  }
  return input;
}

std::string FindingFingerprint(std::string_view input, std::string_view url, ErrorKind kind) {
  // NUL separators: no two different triples hash the same bytes.
  std::string text = "fetchpool/v1";
  for (std::string_view part : {ReportPath(input), url, RuleFor(kind).id}) {
    text += '\0';
    text += part;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    size = 0;  // cannot happen with a built-in digest; an empty fingerprint would say so
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{2} * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::string FindingMessage(const Result& result) {
  std::string text = result.url;
  text += ": ";
  text += result.error;
  return text;
}

}  // namespace fetchpool
