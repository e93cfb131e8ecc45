#include "fetchpool/core/url_history.hpp"

#include <chrono>

#include "fetchpool/core/result.hpp"

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

bool ForgivenByFailAfter(int fail_runs, int fail_after) { return fail_runs < fail_after; }

void ApplyHistory(const Job& job, Result& result) {
  const UrlHistory& h = job.history;
  if (!h.tracked || result.verdict.error_kind == ErrorKind::kAborted) return;
  const bool was_failing = h.seen && !h.last_ok;
  if (result.verdict.ok) {
    result.state.fail_runs = 0;
    result.state.change = was_failing ? Change::kRecovered : Change::kNone;
    return;
  }
  result.state.fail_runs = was_failing ? h.fail_streak + 1 : 1;
  if (was_failing && h.failing_since_ms > 0) {
    result.state.failing_since_ms = h.failing_since_ms;
  } else {
    result.state.failing_since_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
  }
  result.state.change = was_failing ? Change::kStillFailing : Change::kNewFailure;
  if (ForgivenByFailAfter(result.state.fail_runs, h.fail_after)) result.verdict.warning = true;
}

}  // namespace fetchpool
