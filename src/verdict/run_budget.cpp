#include "fetchpool/verdict/run_budget.hpp"

namespace fetchpool {

void RunBudget::Add(const Result& result) {
  if (!max_p95_ms_ || !result.verdict.answered || result.state.cached) return;
  answered_.Add(result.transfer.took);
}

std::optional<RunBudget::Outcome> RunBudget::Judge() const {
  if (!max_p95_ms_ || answered_.count() == 0) return std::nullopt;
  Outcome o;
  o.max_p95_ms = *max_p95_ms_;
  o.answered = answered_.count();
  o.p95_ms = answered_.PercentileMs(0.95);
  o.over = o.p95_ms > static_cast<double>(o.max_p95_ms);
  return o;
}

}  // namespace fetchpool
