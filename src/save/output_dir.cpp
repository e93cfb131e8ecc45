#include "fetchpool/save/output_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "fetchpool/save/body_file.hpp"
#include "fetchpool/save/output_path.hpp"
#include "fetchpool/util/mutex_lock.hpp"

namespace fetchpool {
namespace {

// Past this many numbered copies of one name, rename gives up rather than scan forever.
constexpr unsigned kMaxCopies = 100000;

// mkdir -p: every missing level of `path`. Returns the first error that was not EEXIST, or 0.
int MakeDirs(const std::string& path) {
  int first_error = 0;
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST && first_error == 0) {
      first_error = errno;
    }
  }
  if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST && first_error == 0) first_error = errno;
  return first_error;
}

bool ExistsAt(int dir_fd, const std::string& name) {
  struct stat st {};
  // A dangling symlink or an unreadable entry counts as taken: never guess that a name is free.
  return ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

std::string ResolvedPath(int fd) {
  char buffer[PATH_MAX];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), buffer, sizeof buffer);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buffer) return {};
  return std::string(buffer, static_cast<std::size_t>(n));
}

}  // namespace

NameClaim::NameClaim(NameClaim&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      key_(std::move(other.key_)),
      name_(std::move(other.name_)) {}

NameClaim& NameClaim::operator=(NameClaim&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = std::exchange(other.owner_, nullptr);
    key_ = std::move(other.key_);
    name_ = std::move(other.name_);
  }
  return *this;
}

void NameClaim::Committed() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->Unclaim(key_, true);
}

void NameClaim::Release() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->Unclaim(key_, false);
}

Status OutputDir::Open(const SaveOptions& options, std::unique_ptr<OutputDir>* out) {
  if (options.dir.empty()) return Status::Error("--output-dir needs a directory");
  std::unique_ptr<OutputDir> dir(new OutputDir(options));
  dir->display_ = options.dir;
  while (dir->display_.size() > 1 && dir->display_.back() == '/') dir->display_.pop_back();

  const int mkdir_error = MakeDirs(options.dir);
  dir->fd_.reset(::open(options.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir->fd_) {
    const int open_error = errno;
    if (open_error == ENOTDIR || mkdir_error == ENOTDIR) {
      return Status::Error(fmt::format("output directory '{}' is not a directory", options.dir));
    }
    return Status::FromErrno(fmt::format("cannot create output directory '{}'", options.dir),
                             mkdir_error != 0 ? mkdir_error : open_error);
  }
  // Permission bits do not tell (root ignores them, read-only mounts and immutable directories
  // ignore them): creating a file does.
  BodyFile probe;
  if (Status s = BodyFile::CreateTemp(dir->fd_.get(), probe); !s.ok()) {
    return Status::FromErrno(fmt::format("output directory '{}' is not writable", options.dir),
                             s.errno_code());
  }
  probe.Discard();
  dir->resolved_ = ResolvedPath(dir->fd_.get());
  *out = std::move(dir);
  return Status::Ok();
}

std::string OutputDir::Display(const std::string& relative) const {
  if (relative.empty()) return display_;
  if (display_ == "/") return "/" + relative;
  return display_ + "/" + relative;
}

Status OutputDir::OpenSubdir(const std::vector<std::string>& dirs, UniqueFd* out) const {
  UniqueFd current(::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0));
  if (!current) return Status::FromErrno("cannot open output directory", errno);
  std::string rel;
  for (const std::string& name : dirs) {
    rel += name;
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
      // A caller bug: names come sanitised.
      return Status::Error(fmt::format("refusing unsafe directory name '{}'", Display(rel)));
    }
    if (::mkdirat(current.get(), name.c_str(), 0777) != 0 && errno != EEXIST) {
      return Status::FromErrno(fmt::format("cannot create directory '{}'", Display(rel)), errno);
    }
    // O_NOFOLLOW: a symlink planted in DIR (by a hostile archive, another user) is never entered.
    const int next =
        ::openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) {
      const int open_error = errno;
      struct stat st {};
      if (::fstatat(current.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(st.st_mode)) {
        return Status::Error(fmt::format("refusing to follow symbolic link '{}'", Display(rel)));
      }
      if (open_error == ENOTDIR) {
        return Status::Error(
            fmt::format("cannot create directory '{}': a file is in the way", Display(rel)));
      }
      return Status::FromErrno(fmt::format("cannot open directory '{}'", Display(rel)), open_error);
    }
    current.reset(next);
    rel += '/';
  }
  // Belt and braces: where the kernel says we are must be beneath DIR.
  if (!dirs.empty() && !resolved_.empty()) {
    const std::string where = ResolvedPath(current.get());
    const std::string prefix = resolved_ == "/" ? "/" : resolved_ + "/";
    if (!where.empty() && where.compare(0, prefix.size(), prefix) != 0) {
      return Status::Error(
          fmt::format("refusing '{}': it resolves outside the output directory", Display(rel)));
    }
  }
  *out = std::move(current);
  return Status::Ok();
}

OutputDir::ClaimStatus OutputDir::Claim(int dir_fd, const std::string& rel_dir,
                                        const std::string& wanted, NameClaim& out) const {
  const std::string prefix = rel_dir.empty() ? "" : rel_dir + "/";
  const OnExists mode = options_.on_exists;
  out.Release();  // before locking: releasing takes the lock too
  MutexLock lock(mutex_);
  for (unsigned n = 0; n < kMaxCopies; ++n) {
    std::string name = NumberedName(wanted, n);
    std::string key = prefix + name;
    const bool claimed = in_flight_.contains(key) || committed_.contains(key);
    // Overwrite replaces what an earlier run left, never what this run saved.
    const bool taken = claimed || (mode != OnExists::kOverwrite && ExistsAt(dir_fd, name));
    if (!taken) {
      in_flight_.insert(key);
      out.owner_ = this;
      out.key_ = std::move(key);
      out.name_ = std::move(name);
      return ClaimStatus::kClaimed;
    }
    if (mode == OnExists::kSkip || mode == OnExists::kFail) {
      out.name_ = std::move(name);
      return ClaimStatus::kExists;
    }
  }
  return ClaimStatus::kError;
}

void OutputDir::Unclaim(const std::string& key, bool committed) const {
  MutexLock lock(mutex_);
  in_flight_.erase(key);
  if (committed && options_.on_exists == OnExists::kOverwrite) committed_.insert(key);
}

}  // namespace fetchpool
