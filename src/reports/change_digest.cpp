#include "fetchpool/reports/change_digest.hpp"

namespace fetchpool {

void ChangeDigest::Add(const Result& r) {
  auto keep = [&](std::vector<Entry>& into, std::uint64_t& count) {
    if (++count > max_rows_) return;
    into.push_back({std::string(r.origin.input), r.origin.line, r.origin.column, r.origin.url,
                    r.verdict.ok ? std::string() : r.verdict.error, r.transfer.attempts});
  };
  switch (r.state.change) {
    case Change::kNewFailure:
      keep(new_failures_, new_failure_count_);
      break;
    case Change::kRecovered:
      keep(recovered_, recovered_count_);
      break;
    case Change::kStillFailing:
      ++still_failing_count_;
      break;
    case Change::kNone:
      break;
  }
}

}  // namespace fetchpool
