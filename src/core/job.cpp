#include "fetchpool/core/job.hpp"

#include <utility>

namespace fetchpool {

Job CopyForAddress(const Job& job, std::string address, std::uint16_t index) {
  Job copy;
  copy.origin = job.origin;
  copy.origin.address = std::move(address);
  copy.origin.address_index = index;
  copy.target = job.target;
  if (job.checks.expect) copy.checks.expect = std::make_unique<Expectations>(*job.checks.expect);
  copy.checks.digest = job.checks.digest;
  copy.history = job.history;
  copy.progress = job.progress;
  return copy;
}

}  // namespace fetchpool
