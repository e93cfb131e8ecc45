#include "fetchpool/core/result.hpp"

#include <algorithm>
#include <utility>

namespace fetchpool {
namespace {

void FillFromJob(const Job& job, Result& result) {
  result.transfer.attempts = job.progress.attempts + 1;
  result.state.checks_digest = job.checks.digest;
  result.state.url_id = job.history.url_id;
}

}  // namespace

PhaseDurations PhaseTimings::Durations() const {
  double at = 0;  // where the last phase that happened ended
  auto step = [&at](double mark) {
    if (mark <= 0) return 0.0;
    const double took = std::max(0.0, mark - at);
    at = std::max(at, mark);
    return took;
  };
  PhaseDurations d;
  d.dns = step(dns_ms);
  d.connect = step(connect_ms);
  d.tls = step(tls_ms);
  d.first_byte = step(first_byte_ms);
  d.transfer = step(total_ms);
  return d;
}

std::int64_t DaysLeft(std::chrono::system_clock::time_point t,
                      std::chrono::system_clock::time_point now) {
  return std::chrono::floor<std::chrono::days>(t - now).count();
}

Result MakeResult(const Job& job) {
  Result result;
  result.origin = job.origin;
  FillFromJob(job, result);
  return result;
}

Result MakeResult(Job&& job) {
  Result result;
  FillFromJob(job, result);
  result.origin = std::move(job.origin);
  return result;
}

}  // namespace fetchpool
