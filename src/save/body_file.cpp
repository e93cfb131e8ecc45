#include "fetchpool/save/body_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

namespace fetchpool {
namespace {

constexpr int kNameAttempts = 100;

// Six random characters for a temporary file name; O_EXCL makes a collision harmless, the
// randomness only makes it rare.
std::string RandomSuffix() {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  unsigned char bytes[6];
  if (getrandom(bytes, sizeof bytes, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof bytes)) {
    auto t =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    for (unsigned char& b : bytes) {
      b = static_cast<unsigned char>(t);
      t = t * 6364136223846793005ULL + 1442695040888963407ULL;
    }
  }
  std::string out;
  for (unsigned char b : bytes) out += kAlphabet[b % (sizeof kAlphabet - 1)];
  return out;
}

std::string TempName() { return ".fetchpool-" + RandomSuffix() + ".tmp"; }

}  // namespace

BodyFile::BodyFile(BodyFile&& other) noexcept
    : dir_fd_(other.dir_fd_),
      fd_(std::move(other.fd_)),
      name_(std::move(other.name_)),
      temporary_(other.temporary_),
      size_(other.size_) {
  other.name_.clear();
}

BodyFile& BodyFile::operator=(BodyFile&& other) noexcept {
  if (this != &other) {
    if (temporary_) Discard();
    dir_fd_ = other.dir_fd_;
    fd_ = std::move(other.fd_);
    name_ = std::move(other.name_);
    other.name_.clear();
    temporary_ = other.temporary_;
    size_ = other.size_;
  }
  return *this;
}

BodyFile::~BodyFile() {
  if (temporary_) Discard();
}

Status BodyFile::CreateTemp(int dir_fd, BodyFile& out, bool anonymous) {
  BodyFile file;
  file.dir_fd_ = dir_fd;
  if (anonymous) {
    // Nothing to clean up, ever: the inode has no name until Commit, even if we are killed.
    const int fd = ::openat(dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    if (fd >= 0) {
      file.fd_.reset(fd);
      out = std::move(file);
      return Status::Ok();
    }
    // Only "this filesystem cannot" falls back; EROFS, ENOSPC, EACCES would fail a name too.
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT)
      return Status::Errno(errno);
  }
  for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
    std::string name = TempName();
    const int fd =
        ::openat(dir_fd, name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd >= 0) {
      file.fd_.reset(fd);
      file.name_ = std::move(name);
      out = std::move(file);
      return Status::Ok();
    }
    if (errno != EEXIST) return Status::Errno(errno);
  }
  return Status::Errno(EEXIST);
}

Status BodyFile::OpenPartial(int dir_fd, const std::string& name, BodyFile& out) {
  const int fd =
      ::openat(dir_fd, name.c_str(), O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0) return Status::Errno(errno);
  BodyFile file;
  file.dir_fd_ = dir_fd;
  file.fd_.reset(fd);
  file.name_ = name;
  file.temporary_ = false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::Errno(errno);
  if (!S_ISREG(st.st_mode)) return Status::Errno(S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
  if (::lseek(fd, 0, SEEK_END) < 0) return Status::Errno(errno);
  file.size_ = static_cast<std::uint64_t>(st.st_size);
  out = std::move(file);
  return Status::Ok();
}

Status BodyFile::Write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_.get(), data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Errno(errno);
    }
    if (n == 0) return Status::Errno(EIO);
    size_ += static_cast<std::uint64_t>(n);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Status BodyFile::Truncate() {
  if (::ftruncate(fd_.get(), 0) != 0 || ::lseek(fd_.get(), 0, SEEK_SET) < 0)
    return Status::Errno(errno);
  size_ = 0;
  return Status::Ok();
}

int BodyFile::LinkAs(const std::string& name) {
  if (!name_.empty()) {
    return ::linkat(dir_fd_, name_.c_str(), dir_fd_, name.c_str(), 0) == 0 ? 0 : errno;
  }
  // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the /proc route works for anyone.
  if (::linkat(fd_.get(), "", dir_fd_, name.c_str(), AT_EMPTY_PATH) == 0) return 0;
  if (errno != ENOENT && errno != EPERM) return errno;
  const std::string self = "/proc/self/fd/" + std::to_string(fd_.get());
  return ::linkat(AT_FDCWD, self.c_str(), dir_fd_, name.c_str(), AT_SYMLINK_FOLLOW) == 0 ? 0
                                                                                         : errno;
}

int BodyFile::RenameTempTo(const std::string& name, bool replace) {
  if (replace) return ::renameat(dir_fd_, name_.c_str(), dir_fd_, name.c_str()) == 0 ? 0 : errno;
  return ::renameat2(dir_fd_, name_.c_str(), dir_fd_, name.c_str(), RENAME_NOREPLACE) == 0 ? 0
                                                                                           : errno;
}

Status BodyFile::Commit(const std::string& name, bool replace) {
  if (!fd_) return Status::Errno(EBADF);
  if (replace) {
    if (::fdatasync(fd_.get()) != 0 && errno != EINVAL) return Status::Errno(errno);
    if (name_.empty()) {
      // An anonymous file cannot be renamed over a name: give it a hidden one first.
      int rc = EEXIST;
      for (int attempt = 0; attempt < kNameAttempts && rc == EEXIST; ++attempt) {
        std::string hidden = TempName();
        rc = LinkAs(hidden);
        if (rc == 0) name_ = std::move(hidden);
      }
      if (rc != 0) return Status::Errno(rc);
    }
    if (const int rc = RenameTempTo(name, true); rc != 0) return Status::Errno(rc);
  } else {
    int rc = LinkAs(name);
    if (rc == 0) {
      if (!name_.empty()) ::unlinkat(dir_fd_, name_.c_str(), 0);
    } else if (!name_.empty() && rc != EEXIST && rc != ENOSPC && rc != EROFS && rc != EDQUOT) {
      // No hard links on this filesystem: an atomic no-replace rename does the same job.
      const int fallback = RenameTempTo(name, false);
      if (fallback != 0 && fallback != EINVAL) return Status::Errno(fallback);
      if (fallback != 0) return Status::Errno(rc);
    } else {
      return Status::Errno(rc);
    }
  }
  name_.clear();
  temporary_ = false;
  Close();
  return Status::Ok();
}

void BodyFile::Discard() {
  if (!name_.empty() && fd_) ::unlinkat(dir_fd_, name_.c_str(), 0);
  name_.clear();
  Close();
}

void BodyFile::Close() { fd_.reset(); }

}  // namespace fetchpool
