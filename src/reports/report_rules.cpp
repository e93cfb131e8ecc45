#include "fetchpool/reports/report_rules.hpp"

#include <openssl/evp.h>

#include <array>

#include "fetchpool/output/certificate_digest.hpp"
#include "fetchpool/output/report.hpp"

namespace fetchpool {

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

std::string FindingSubject(const Result& result) {
  if (result.verdict.error_kind == ErrorKind::kCertExpiring) {
    const std::string_view host = HostOfUrl(
        result.transfer.effective_url.empty() ? result.origin.url : result.transfer.effective_url);
    if (!host.empty()) return std::string(host);
  }
  if (result.origin.address.empty()) return result.origin.url;
  return result.origin.url + " [" + result.origin.address + "]";
}

std::string FindingMessage(const Result& result) {
  std::string text = FindingSubject(result);
  text += ": ";
  text += FullReason(result);
  return text;
}

bool CertificateFindings::Reports(const Result& result) {
  if (result.verdict.error_kind != ErrorKind::kCertExpiring || !result.transfer.certificate) {
    return true;
  }
  return seen_.insert(result.transfer.certificate->sha256).second;
}

}  // namespace fetchpool
