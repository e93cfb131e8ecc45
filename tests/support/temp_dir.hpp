// A scratch directory for tests that touch the filesystem, and small file helpers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fetchpool::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
// Thread-compatible: one test owns it.
class TempDir {
 public:
  // Throws std::system_error if the directory cannot be created.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + relative.
  std::string operator/(const std::string& relative) const { return path_ + "/" + relative; }

  // Writes content to path()/name (binary, exact bytes) and returns that path;
  // throws std::runtime_error if it cannot.
  std::string Write(const std::string& name, std::string_view content) const;

  // Every entry below the directory, relative, sorted ("a", "a/b"), hidden ones included.
  std::vector<std::string> List() const;

 private:
  std::string path_;
};

// The whole file, binary; "" if it cannot be read.
std::string ReadFile(const std::string& path);

// Replaces the file's content (binary); silently does nothing if it cannot.
void WriteFile(const std::string& path, std::string_view content);

// As WriteFile, but throws std::runtime_error if it cannot: for fixtures that must exist.
void WriteFileOrThrow(const std::string& path, std::string_view content);

}  // namespace fetchpool::testing
