#include "fetchpool/core/url_history.hpp"

namespace fetchpool {

const char* ChangeName(Change change) {
  switch (change) {
    case Change::kNewFailure:
      return "new_failure";
    case Change::kStillFailing:
      return "still_failing";
    case Change::kRecovered:
      return "recovered";
    case Change::kNone:
      break;
  }
  return nullptr;
}

std::optional<Change> ChangeNamed(std::string_view name) {
  for (const Change c : {Change::kNewFailure, Change::kStillFailing, Change::kRecovered}) {
    if (name == ChangeName(c)) return c;
  }
  if (name.empty()) return Change::kNone;
  return std::nullopt;
}

}  // namespace fetchpool
