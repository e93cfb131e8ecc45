#include "fetchpool/error_kind_name.hpp"

namespace fetchpool {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNone:
      return "";
    case ErrorKind::kInvalidUrl:
      return "invalid_url";
    case ErrorKind::kHttpStatus:
      return "http_status";
    case ErrorKind::kResolve:
      return "resolve";
    case ErrorKind::kConnect:
      return "connect";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kStalled:
      return "stalled";
    case ErrorKind::kTruncated:
      return "truncated";
    case ErrorKind::kReset:
      return "reset";
    case ErrorKind::kEmptyReply:
      return "empty_reply";
    case ErrorKind::kTooManyRedirects:
      return "too_many_redirects";
    case ErrorKind::kDisallowedRedirect:
      return "disallowed_redirect";
    case ErrorKind::kTls:
      return "tls";
    case ErrorKind::kTooLarge:
      return "too_large";
    case ErrorKind::kCheckFailed:
      return "check_failed";
    case ErrorKind::kAborted:
      return "aborted";
    case ErrorKind::kSaveFailed:
      return "save_failed";
    case ErrorKind::kOther:
      return "other";
  }
  return "other";
}

}  // namespace fetchpool
