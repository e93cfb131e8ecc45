#pragma once

#include <chrono>
#include <stop_token>
#include <string_view>

#include "fetchpool/util/status.hpp"
#include "fetchpool/util/stop_wakeup.hpp"

namespace fetchpool {

// Writes whole buffers to stdout or stderr without letting a stuck reader (a pipe to a paused
// `less`, a terminal after Ctrl-S) hold back a stop: on pipes, sockets and terminals it waits
// for room with poll() and writes at most PIPE_BUF at a time, which never blocks, and once
// `stop` is requested it gives up after `grace`. Files and /dev/null are written directly.
// Thread-compatible: owned by the printer.
class OutputFd {
 public:
  OutputFd(int fd, const std::stop_token& stop,
           std::chrono::milliseconds grace = std::chrono::milliseconds(500));

  // Ok once all of `data` is written, else "cannot write output: ..." with the errno that
  // stopped it (EPIPE when the reader is gone, ETIMEDOUT when a stop came and the reader still
  // made no room).
  Status Write(std::string_view data);
  int fd() const { return fd_; }

 private:
  // Waits until `fd_` takes more; 0, or the errno to give up with.
  int WaitForRoom(std::chrono::steady_clock::time_point& deadline);

  int fd_;
  bool pollable_;
  std::chrono::milliseconds grace_;
  std::stop_token stop_;
  StopWakeup wakeup_;
};

}  // namespace fetchpool
