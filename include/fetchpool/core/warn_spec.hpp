#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/result.hpp"
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
  // Whether the final result `r` of a URL is a warning: it failed with a listed error kind, or
  // with an HTTP status in the list. Statuses only ever match a kHttpStatus failure: with a
  // status= check on its line the URL fails as check_failed, so the line's own check wins.
  // Ok and aborted results are never warnings.
  bool Applies(const Result& r) const;

 private:
  std::optional<StatusSet> statuses_;
  std::vector<ErrorKind> kinds_;
};

// Marks `result` as a warning when `spec` says so; the one place --warn is decided.
void ApplyWarnSpec(const WarnSpec& spec, Result& result);

}  // namespace fetchpool
