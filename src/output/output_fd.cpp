#include "fetchpool/output/output_fd.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace fetchpool {
namespace {

using Clock = std::chrono::steady_clock;

// Whether a write to `fd` can block on a reader: pipes, sockets and terminals.
bool CanStall(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || (S_ISCHR(st.st_mode) && ::isatty(fd));
}

}  // namespace

OutputFd::OutputFd(int fd, const std::stop_token& stop, std::chrono::milliseconds grace)
    : fd_(fd), pollable_(CanStall(fd)), grace_(grace), stop_(stop), wakeup_(stop) {}

int OutputFd::WaitForRoom(Clock::time_point& deadline) {
  for (;;) {
    const bool stopping = stop_.stop_requested();
    if (stopping && deadline == Clock::time_point{}) deadline = Clock::now() + grace_;
    int timeout = -1;
    if (stopping) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return ETIMEDOUT;
      timeout = static_cast<int>(std::min<std::int64_t>(left.count(), INT_MAX));
    }
    // Once stopping, the wake-up descriptor stays readable: watch only the output then.
    pollfd fds[2] = {{fd_, POLLOUT, 0}, {wakeup_.fd(), POLLIN, 0}};
    const int n = ::poll(fds, stopping ? 1 : 2, timeout);
    if (n < 0 && errno != EINTR) return errno;
    if (n == 0) return ETIMEDOUT;
    if (n > 0 && fds[0].revents != 0) return 0;  // room, or an error the write will report
  }
}

Status OutputFd::Write(std::string_view data) {
  Clock::time_point deadline{};
  std::size_t done = 0;
  while (done < data.size()) {
    std::size_t chunk = data.size() - done;
    if (pollable_) {
      if (const int err = WaitForRoom(deadline); err != 0) {
        return Status::FromErrno("cannot write output", err);
      }
      chunk = std::min<std::size_t>(chunk, PIPE_BUF);
    }
    const ssize_t n = ::write(fd_, data.data() + done, chunk);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollable_ = true;  // someone made our output non-blocking: wait for room from now on
    } else if (errno != EINTR) {
      return Status::FromErrno("cannot write output", errno);
    }
  }
  return Status::Ok();
}

}  // namespace fetchpool
