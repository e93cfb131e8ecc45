#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/error_kind.hpp"
#include "fetchpool/util/status_set.hpp"

namespace fetchpool {

// --warn SPEC: the statuses and error kinds that make a failed URL a warning instead, e.g.
// "403,429,5xx,timeout". Items are statuses (403), ranges (500-504), classes (5xx) and error
// kinds, by their JSON name (timeout, check_failed) or report rule id (check-failed,
// connection). A plain value.
class WarnSpec {
 public:
  WarnSpec() = default;
  // nullopt when an item is none of the above.
  static std::optional<WarnSpec> Parse(std::string_view text);

  bool empty() const { return !statuses_ && kinds_.empty(); }
  // Whether a failure of `kind` with `http_status` is listed: its kind is, or it is a kHttpStatus
  // failure with a listed status. Statuses only ever match kHttpStatus: with a status= check on
  // its line the URL fails as check_failed, so the line's own check wins. (The verdict's --warn
  // rule asks this of failures only.)
  bool Lists(ErrorKind kind, long http_status) const;

 private:
  std::optional<StatusSet> statuses_;
  std::vector<ErrorKind> kinds_;
};

}  // namespace fetchpool
