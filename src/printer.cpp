#include "fetchpool/printer.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace fetchpool {
namespace {

constexpr std::size_t kFlushAt = 64 * 1024;

}  // namespace

Printer::Printer(int fd, bool color) : fd_(fd), color_(color) { buffer_.reserve(kFlushAt * 2); }

bool Printer::Drain(BoundedQueue<Result>& results, std::stop_source& stop) {
  for (;;) {
    std::optional<Result> result = results.try_pop();
    if (!result) {
      if (!Flush()) stop.request_stop();  // nothing waiting: let our reader see what we have
      result = results.pop();
      if (!result) break;
    }
    Add(*result);
    if (buffer_.size() >= kFlushAt) Flush();
    if (broken_) stop.request_stop();
  }
  if (!Flush()) stop.request_stop();
  return !broken_;
}

void Printer::Add(const Result& result) {
  if (result.error_kind == ErrorKind::kAborted) {
    ++summary_.aborted;
    return;
  }
  ++summary_.total;
  ++(result.ok ? summary_.ok : summary_.failed);
  if (!broken_) AppendTextLine(buffer_, result, color_);
}

bool Printer::Finish(std::chrono::steady_clock::duration elapsed) {
  summary_.elapsed_s = std::chrono::duration<double>(elapsed).count();
  if (!broken_) buffer_ += FormatSummary(summary_);
  return Flush();
}

bool Printer::Flush() {
  std::size_t done = 0;
  while (!broken_ && done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd out{fd_, POLLOUT, 0};  // someone made our stdout non-blocking; wait for room
      ::poll(&out, 1, -1);
    } else if (errno != EINTR) {
      broken_ = true;
      write_errno_ = errno;
    }
  }
  buffer_.clear();
  return !broken_;
}

}  // namespace fetchpool
