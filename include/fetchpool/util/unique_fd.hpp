#pragma once

#include <unistd.h>

#include <utility>

namespace fetchpool {

// Owns one file descriptor and closes it once. Move-only.
// Thread-compatible: one owner at a time; get() may be used by any thread the owner lends it to.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  // Closes the current descriptor (if any) and takes `fd`.
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// An input's descriptor: closed at the end unless it is stdin, which belongs to the process.
// Not to be copied (an aggregate, so that `InputFd in{fd}` reads well).
// Thread-compatible: one owner.
struct InputFd {
  int fd = -1;
  ~InputFd() {
    if (fd > STDIN_FILENO) ::close(fd);
  }
};

}  // namespace fetchpool
