#pragma once

namespace fetchpool {

// Why a URL failed; retry policy and output formats key off this, not off message text. Every
// spelling of a kind comes from one table (error_kinds.hpp).
enum class ErrorKind {
  kNone,
  kInvalidUrl,
  kHttpStatus,
  kResolve,     // the name lookup failed or got no answer: may pass
  kNoSuchHost,  // the name does not exist (NXDOMAIN) or has no address
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
  kCheckFailed,   // a per-line check (status=, max-ms=, contains=, sha256=) did not hold
  kAborted,       // cancelled by a stop request; not a verdict on the URL
  kSaveFailed,    // -o: the body could not be saved (disk full, no permission, name taken...)
  kBlocked,       // a bot wall or challenge answered instead of the page
  kMoved,         // --warn moved: a permanent redirect to another URL
  kCertExpiring,  // --cert-warn / --cert-fail: the certificate (or its chain) expires too soon
  kSlow,          // --slow: the answer took longer than the run allows
  kOther,
};

}  // namespace fetchpool
