#include "fetchpool/util/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace fetchpool {

std::size_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? std::size_t{1} << 20
                                         : static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t HeldConnectionsPerWorker(std::size_t open_files, int workers) {
  constexpr std::size_t kReserve = 256;  // stdio, reports, the state, sockets being connected
  const std::size_t spare = open_files > kReserve ? (open_files - kReserve) / 2 : 0;
  const std::size_t share = spare / static_cast<std::size_t>(std::max(workers, 1));
  return std::clamp<std::size_t>(share, 1, 64);
}

}  // namespace fetchpool
