#include "fetchpool/reports/stitched_file.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace fetchpool {

Status StitchedFile::Create(const std::string& path, std::string_view what,
                            std::unique_ptr<StitchedFile>* out) {
  const std::string context = fmt::format("cannot write {} '{}'", what, path);
  // Found now, not after the run: the rename at the end would fail on a directory.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::FromErrno(context, EISDIR);
  }
  std::string body_path = path + ".cases-XXXXXX";
  const int fd = ::mkstemp(body_path.data());
  if (fd < 0) return Status::FromErrno(context, errno);
  FilePtr body(::fdopen(fd, "w+"));
  if (!body) {
    const int err = errno;
    ::close(fd);
    ::unlink(body_path.c_str());
    return Status::FromErrno(context, err);
  }
  out->reset(new StitchedFile(path, std::string(what), std::move(body_path), std::move(body)));
  return Status::Ok();
}

StitchedFile::StitchedFile(std::string path, std::string what, std::string body_path, FilePtr body)
    : path_(std::move(path)),
      what_(std::move(what)),
      body_path_(std::move(body_path)),
      body_(std::move(body)) {}

StitchedFile::~StitchedFile() {
  body_.reset();
  ::unlink(body_path_.c_str());
}

void StitchedFile::Append(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), body_.get());
}

Status StitchedFile::Fail(std::string_view step) const {
  return Status::FromErrno(fmt::format("cannot write {} '{}': {}", what_, path_, step), errno);
}

namespace {

// Copies all of `from` (from its start) to `to`; false when reading failed.
bool CopyAll(std::FILE* from, std::FILE* to) {
  std::fflush(from);
  std::rewind(from);
  char buf[64 * 1024];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, from)) > 0) std::fwrite(buf, 1, n, to);
  return std::ferror(from) == 0;
}

}  // namespace

Status StitchedFile::Commit(std::string_view head, std::string_view tail) {
  return Commit(head, nullptr, tail);
}

Status StitchedFile::Commit(std::string_view head, std::FILE* more, std::string_view tail) {
  if (committed_) return Status::Ok();
  committed_ = true;
  std::string tmp = path_ + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return Fail("create");
  FilePtr out(::fdopen(fd, "w"));
  if (!out) {
    Status failed = Fail("open");
    ::close(fd);
    ::unlink(tmp.c_str());
    return failed;
  }
  std::fwrite(head.data(), 1, head.size(), out.get());
  bool read_failed = !CopyAll(body_.get(), out.get());
  if (more != nullptr && !CopyAll(more, out.get())) read_failed = true;
  std::fwrite(tail.data(), 1, tail.size(), out.get());
  const bool write_failed = std::ferror(out.get()) != 0 || std::fflush(out.get()) != 0;
  ::fchmod(::fileno(out.get()), 0644);
  if (std::fclose(out.release()) != 0 || write_failed || read_failed) {
    Status failed = Fail("write");
    ::unlink(tmp.c_str());
    return failed;
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    Status failed = Fail("rename");
    ::unlink(tmp.c_str());
    return failed;
  }
  return Status::Ok();
}

}  // namespace fetchpool
