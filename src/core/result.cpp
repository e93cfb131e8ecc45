#include "fetchpool/core/result.hpp"

#include <utility>

namespace fetchpool {
namespace {

void FillFromJob(const Job& job, Result& result) {
  result.transfer.attempts = job.progress.attempts + 1;
  result.state.checks_digest = job.checks.digest;
  result.state.url_id = job.history.url_id;
}

}  // namespace

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
