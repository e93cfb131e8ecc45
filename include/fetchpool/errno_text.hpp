#pragma once

#include <cstring>
#include <string>

namespace fetchpool {

// std::strerror's text for `error`, safe to call from any thread: strerror may share one buffer
// between threads, the GNU strerror_r returns a static string or fills the caller's buffer.
inline std::string ErrnoText(int error) {
  char buffer[256];
  return ::strerror_r(error, buffer, sizeof buffer);
}

}  // namespace fetchpool
