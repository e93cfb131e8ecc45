#include "fetchpool/input/gzip_source.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "fetchpool/util/status.hpp"

namespace fetchpool {

GzipSource::~GzipSource() {
  if (inflating_) inflateEnd(&zs_);
}

int GzipSource::Fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  return -1;
}

bool GzipSource::Fill() {
  if (raw_begin_ < raw_end_) return true;
  if (eof_) return false;
  pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, wake_fd_ >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      Fail(ErrnoText(errno));
      return false;
    }
    if (wake_fd_ >= 0 && fds[1].revents != 0) {
      Fail("stopped");
      return false;
    }
    const ssize_t n = ::read(fd_, raw_.data(), raw_.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      Fail(ErrnoText(errno));
      return false;
    }
    raw_begin_ = 0;
    raw_end_ = static_cast<std::size_t>(n);
    eof_ = n == 0;
    return n > 0;
  }
}

int GzipSource::Read(char* out, int size) {
  if (!error_.empty()) return -1;
  if (size <= 0) return 0;
  if (!started_) {
    if (!Fill()) return error_.empty() ? 0 : -1;
    started_ = true;
    gzip_ = raw_end_ - raw_begin_ >= 2 && raw_[raw_begin_] == 0x1f && raw_[raw_begin_ + 1] == 0x8b;
    if (gzip_) {
      if (inflateInit2(&zs_, 15 + 16) != Z_OK) return Fail("cannot start zlib");
      inflating_ = true;
    }
  }
  if (!gzip_) {
    if (!Fill()) return error_.empty() ? 0 : -1;
    const std::size_t n = std::min(static_cast<std::size_t>(size), raw_end_ - raw_begin_);
    std::memcpy(out, raw_.data() + raw_begin_, n);
    raw_begin_ += n;
    return static_cast<int>(n);
  }
  zs_.next_out = reinterpret_cast<unsigned char*>(out);
  zs_.avail_out = static_cast<unsigned>(size);
  while (zs_.avail_out == static_cast<unsigned>(size)) {
    if (!Fill()) {
      if (!error_.empty()) return -1;
      return zs_.total_in == 0 ? 0 : Fail("truncated gzip data");  // 0: between members
    }
    zs_.next_in = raw_.data() + raw_begin_;
    zs_.avail_in = static_cast<unsigned>(raw_end_ - raw_begin_);
    const int rc = inflate(&zs_, Z_NO_FLUSH);
    raw_begin_ = raw_end_ - zs_.avail_in;
    if (rc == Z_STREAM_END) {
      // Another member may follow (cat a.gz b.gz); anything else after the end is an error.
      inflateReset(&zs_);
      if (raw_begin_ < raw_end_ && raw_[raw_begin_] != 0x1f) return Fail("data after the gzip end");
      if (zs_.avail_out != static_cast<unsigned>(size)) break;
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Fail(std::string("gzip data is corrupt: ") + (zs_.msg != nullptr ? zs_.msg : ""));
    }
  }
  return size - static_cast<int>(zs_.avail_out);
}

}  // namespace fetchpool
