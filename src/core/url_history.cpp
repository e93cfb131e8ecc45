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

}  // namespace fetchpool
