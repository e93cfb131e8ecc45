#include "fetchpool/util/unique_fd.hpp"

#include <unistd.h>

namespace fetchpool {

void UniqueFd::reset(int fd) {
  // close() is not retried on EINTR: on Linux the descriptor is released either way, and a retry
  // could close one another thread has just been given.
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace fetchpool
