#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fetchpool/util/status.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {

// One body on its way to disk, so a reader of the output directory only ever sees complete
// files. A temporary file is anonymous (O_TMPFILE) where the filesystem allows, otherwise a hidden
// ".fetchpool-XXXXXX.tmp"; either way Commit links it under its final name in one step, and an
// uncommitted temporary file is removed when the object dies. A partial (--continue) is a named
// file that survives a failed transfer on purpose, so a later run can resume it.
// Move-only. Thread-compatible: one owner at a time. The directory descriptor is borrowed and
// must stay open as long as the object.
class BodyFile {
 public:
  BodyFile() = default;
  BodyFile(BodyFile&& other) noexcept;
  BodyFile& operator=(BodyFile&& other) noexcept;
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  ~BodyFile();

  // A new empty temporary file in `dir_fd`, mode 0644 less the umask. `anonymous` = false skips
  // O_TMPFILE (for filesystems where it misbehaves, and for tests).
  static Status CreateTemp(int dir_fd, BodyFile& out, bool anonymous = true);
  // Opens (creating if missing) the partial `name` in `dir_fd` for --continue; a symbolic link
  // there is refused.
  static Status OpenPartial(int dir_fd, const std::string& name, BodyFile& out);

  bool is_open() const { return static_cast<bool>(fd_); }
  int fd() const { return fd_.get(); }
  // Bytes in the file now.
  std::uint64_t size() const { return size_; }

  // Appends all of `data`. Fails with the errno (ENOSPC, EFBIG, EIO...).
  Status Write(std::string_view data);
  // Empties the file, for a server that answered a resume with the whole body.
  Status Truncate();
  // Links the file as `name` in the directory. Without `replace` an existing `name` is never
  // touched (EEXIST); with it, `name` is atomically replaced and the data is synced first, so a
  // crash cannot trade a good old file for an empty new one. The object is closed after success.
  Status Commit(const std::string& name, bool replace);
  // Removes the file now (a temporary one or a partial) and closes it.
  void Discard();

 private:
  int LinkAs(const std::string& name);
  int RenameTempTo(const std::string& name, bool replace);
  void Close();

  int dir_fd_ = -1;
  UniqueFd fd_;
  std::string name_;       // "" for an anonymous temporary file
  bool temporary_ = true;  // removed by the destructor unless committed
  std::uint64_t size_ = 0;
};

}  // namespace fetchpool
