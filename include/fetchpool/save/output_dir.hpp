#pragma once

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "fetchpool/core/save_options.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/status.hpp"
#include "fetchpool/util/thread_annotations.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {

class OutputDir;

// A name reserved in the output directory for one transfer, released when the object dies, so
// two URLs of one run never write the same file. Move-only. Thread-compatible (its owner);
// releasing goes through the thread-safe OutputDir.
class NameClaim {
 public:
  NameClaim() = default;
  NameClaim(NameClaim&& other) noexcept;
  NameClaim& operator=(NameClaim&& other) noexcept;
  NameClaim(const NameClaim&) = delete;
  NameClaim& operator=(const NameClaim&) = delete;
  ~NameClaim() { Release(); }

  explicit operator bool() const { return owner_ != nullptr; }
  const std::string& name() const { return name_; }  // within its directory
  // Called once the file is in place (with --on-exists overwrite the name then stays taken for
  // the rest of the run; otherwise the file on disk speaks for itself).
  void Committed();
  void Release();

 private:
  friend class OutputDir;
  const OutputDir* owner_ = nullptr;
  std::string key_;  // relative path: the registry's key
  std::string name_;
};

// The directory given to -o, opened once: every file and subdirectory is created relative to its
// descriptor, never by a path string, so whatever the URLs or servers say nothing lands outside.
// Thread-safe: all members may be called from any worker; mutex_ guards the names claimed.
class OutputDir {
 public:
  // Creates the directory (with parents) if missing and checks that a file can be created in it.
  static Status Open(const SaveOptions& options, std::unique_ptr<OutputDir>* out);

  const SaveOptions& options() const { return options_; }
  // The directory as the user wrote it, for result lines ("out/name").
  std::string Display(const std::string& relative) const;

  // A descriptor for DIR/dirs[0]/dirs[1]/..., creating what is missing. Each component must be a
  // sanitised name; a component that exists as a symbolic link or a non-directory is refused, and
  // the opened directory is checked to resolve beneath DIR.
  Status OpenSubdir(const std::vector<std::string>& dirs, UniqueFd* out) const;

  enum class ClaimStatus { kClaimed, kExists, kError };
  // Reserves a name for `wanted` in the directory `dir_fd` (at `rel_dir` beneath DIR, "" for DIR
  // itself) following --on-exists: rename tries wanted, wanted.1, wanted.2 ... until one is neither
  // on disk nor claimed in this run; overwrite takes `wanted` unless this run already claimed it
  // (then it numbers like rename: files of one run never overwrite each other); skip and fail
  // answer kExists when `wanted` is on disk or claimed.
  ClaimStatus Claim(int dir_fd, const std::string& rel_dir, const std::string& wanted,
                    NameClaim& out) const EXCLUDES(mutex_);

 private:
  explicit OutputDir(SaveOptions options) : options_(std::move(options)) {}
  void Unclaim(const std::string& key, bool committed) const EXCLUDES(mutex_);
  friend class NameClaim;

  SaveOptions options_;
  std::string display_;   // DIR without trailing slashes
  std::string resolved_;  // DIR's canonical path, for the beneath check
  UniqueFd fd_;

  mutable Mutex mutex_;
  // Claimed, not yet on disk.
  mutable std::unordered_set<std::string> in_flight_ GUARDED_BY(mutex_);
  // --on-exists overwrite only: saved by this run.
  mutable std::unordered_set<std::string> committed_ GUARDED_BY(mutex_);
};

}  // namespace fetchpool
