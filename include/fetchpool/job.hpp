#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace fetchpool {

// One URL line of the input, as the reader hands it to a worker. A plain value: it is moved
// between threads through a BoundedQueue, never shared.
struct Job {
  std::uint64_t seq = 0;   // 0-based position among the input's URLs
  std::uint64_t line = 0;  // 1-based line number within its source
  std::string url;         // as given (trimmed)
  std::string invalid;     // non-empty: why this line cannot be fetched; the worker only reports it
};

// Why a URL failed; retry policy and output formats key off this, not off message text.
enum class ErrorKind {
  kNone,
  kInvalidUrl,
  kHttpStatus,
  kResolve,
  kConnect,
  kTimeout,
  kStalled,
  kTruncated,
  kReset,
  kEmptyReply,
  kTooManyRedirects,
  kDisallowedRedirect,
  kTls,
  kTooLarge,
  kAborted,  // cancelled by a stop request; not a verdict on the URL
  kOther,
};

// The outcome of one Job. Expected failures are values here, never exceptions.
struct Result {
  std::uint64_t seq = 0;
  std::uint64_t line = 0;
  std::string url;
  bool ok = false;
  ErrorKind error_kind = ErrorKind::kNone;
  std::string error;     // human-readable reason, empty when ok
  long http_status = 0;  // final status after redirects; 0 when no response arrived
  std::uint64_t bytes = 0;
  std::chrono::microseconds elapsed{0};
};

}  // namespace fetchpool
