#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <string>

#include "fetchpool/core/error_kind.hpp"
#include "fetchpool/core/fetch_options.hpp"

namespace fetchpool {

// What libcurl said about a failed transfer, gathered from the handle so that turning it into
// words needs no handle (and can be tested without sockets).
struct CurlFailure {
  CURLcode code = CURLE_OK;
  long os_errno = 0;
  std::string detail;              // libcurl's error buffer, else curl_easy_strerror(code)
  bool too_large = false;          // the write callback cut off a body over --max-size
  double elapsed_s = 0;            // of the URL so far
  bool connected = false;          // a connection was made before the failure
  curl_off_t content_length = -1;  // the declared body length, -1 if none
  std::uint64_t bytes = 0;         // body bytes received
};

struct ErrorDescription {
  ErrorKind kind = ErrorKind::kOther;
  std::string message;
};

// The kind and the one-line reason for a failed transfer ("connection refused", "timed out
// after 2.0s", "TLS error: ..."). `options` supply the limits the reason names.
ErrorDescription DescribeCurlFailure(const CurlFailure& failure, const FetchOptions& options);

}  // namespace fetchpool
