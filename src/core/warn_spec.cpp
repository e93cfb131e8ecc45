#include "fetchpool/core/warn_spec.hpp"

#include <algorithm>

#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

// "5xx" -> "500-599"; any other item as it is.
std::string StatusItem(std::string_view item) {
  if (item.size() == 3 && item[0] >= '1' && item[0] <= '9' && AsciiLower(item.substr(1)) == "xx") {
    return std::string(1, item[0]) + "00-" + std::string(1, item[0]) + "99";
  }
  return std::string(item);
}

}  // namespace

std::optional<WarnSpec> WarnSpec::Parse(std::string_view text) {
  WarnSpec spec;
  std::string statuses;
  for (;;) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (item.empty()) return std::nullopt;
    if (const std::optional<ErrorKind> kind = WarnableKindNamed(AsciiLower(item))) {
      if (std::find(spec.kinds_.begin(), spec.kinds_.end(), *kind) == spec.kinds_.end()) {
        spec.kinds_.push_back(*kind);
      }
    } else {
      statuses += (statuses.empty() ? "" : ",") + StatusItem(item);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (!statuses.empty()) {
    spec.statuses_ = StatusSet::Parse(statuses);  // every status item at once
    if (!spec.statuses_) return std::nullopt;
  }
  return spec;
}

bool WarnSpec::Lists(ErrorKind kind, long http_status) const {
  if (std::find(kinds_.begin(), kinds_.end(), kind) != kinds_.end()) return true;
  return kind == ErrorKind::kHttpStatus && statuses_ && statuses_->Contains(http_status);
}

}  // namespace fetchpool
