#include "fetchpool/http/curl_error.hpp"

#include <fmt/format.h>

#include <cerrno>

#include "fetchpool/util/status.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/units.hpp"

namespace fetchpool {
namespace {

ErrorDescription Connect(const CurlFailure& f, const std::string& detail) {
  if (f.os_errno == ECONNREFUSED) return {ErrorKind::kConnect, "connection refused"};
  if (f.os_errno != 0) {
    return {ErrorKind::kConnect,
            fmt::format("could not connect: {}",
                        LowerFirstWord(ErrnoText(static_cast<int>(f.os_errno))))};
  }
  return {ErrorKind::kConnect, detail};
}

ErrorDescription Timeout(const CurlFailure& f, const FetchOptions& o, const std::string& detail) {
  if (o.timeout_s > 0 && f.elapsed_s >= o.timeout_s * 0.99) {
    return {ErrorKind::kTimeout, fmt::format("timed out after {:.1f}s", o.timeout_s)};
  }
  if (!f.connected) {
    return {ErrorKind::kTimeout,
            fmt::format("connect timed out after {:.1f}s", o.connect_timeout_s)};
  }
  return {ErrorKind::kTimeout, detail};
}

ErrorDescription Truncated(const CurlFailure& f) {
  if (f.content_length >= 0) {
    return {ErrorKind::kTruncated,
            fmt::format("truncated body: got {} of {} bytes", f.bytes, f.content_length)};
  }
  return {ErrorKind::kTruncated,
          fmt::format("truncated body: connection closed after {} bytes", f.bytes)};
}

bool IsTlsError(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
      return true;
    default:
      return false;
  }
}

}  // namespace

ErrorDescription DescribeCurlFailure(const CurlFailure& f, const FetchOptions& o) {
  const std::string detail = LowerFirstWord(f.detail);
  if (f.too_large || f.code == CURLE_FILESIZE_EXCEEDED) {
    return {ErrorKind::kTooLarge, fmt::format("body larger than {}", FormatSize(o.max_size))};
  }
  if (IsTlsError(f.code)) return {ErrorKind::kTls, fmt::format("TLS error: {}", detail)};
  switch (f.code) {
    case CURLE_COULDNT_RESOLVE_HOST: {
      // libcurl looked the name up itself (no resolver of the run's: through a proxy), and its
      // error cannot tell a missing name from a failed lookup. With a resolver, every request
      // of a redirect chain is looked up first (CurlFetcher::PinAddresses), which tells them.
      constexpr std::string_view kPrefix = "could not resolve host: ";
      const std::string_view host =
          detail.starts_with(kPrefix) ? std::string_view(detail).substr(kPrefix.size()) : detail;
      return {ErrorKind::kResolve, fmt::format("DNS lookup failed: {}", host)};
    }
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {ErrorKind::kResolve, detail};
    case CURLE_COULDNT_CONNECT:
      return Connect(f, detail);
    case CURLE_OPERATION_TIMEDOUT:
      return Timeout(f, o, detail);
    case CURLE_PARTIAL_FILE:
      return Truncated(f);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      if (f.os_errno == ECONNRESET) return {ErrorKind::kReset, "connection reset by peer"};
      return {ErrorKind::kReset, detail};
    case CURLE_GOT_NOTHING:
      return {ErrorKind::kEmptyReply, "empty reply from server"};
    case CURLE_TOO_MANY_REDIRECTS:
      return {ErrorKind::kTooManyRedirects,
              fmt::format("too many redirects (more than {})", o.max_redirects)};
    case CURLE_UNSUPPORTED_PROTOCOL:
      // Input URLs are checked up front, so this is a redirect to a scheme we refuse to follow.
      return {ErrorKind::kDisallowedRedirect, fmt::format("redirect refused: {}", detail)};
    case CURLE_ABORTED_BY_CALLBACK:
      return {ErrorKind::kAborted, "aborted"};
    default:
      return {ErrorKind::kOther, detail};
  }
}

}  // namespace fetchpool
