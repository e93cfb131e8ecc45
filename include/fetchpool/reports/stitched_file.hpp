#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "fetchpool/util/status.hpp"

namespace fetchpool {

namespace detail {
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
}  // namespace detail
using FilePtr = std::unique_ptr<std::FILE, detail::FileCloser>;

// A report whose head needs totals known only at the end (JUnit, SARIF, HTML): the body
// streams to a temporary file beside the target, so memory stays flat, and Commit writes head,
// body and tail to a second temporary file and renames it into place, so readers only ever see
// a whole report. An uncommitted report leaves nothing behind.
// Move-only. Thread-compatible: one owner.
class StitchedFile {
 public:
  // `what` names the report in messages ("JUnit report").
  static Status Create(const std::string& path, std::string_view what,
                       std::unique_ptr<StitchedFile>* out);
  ~StitchedFile();
  StitchedFile(const StitchedFile&) = delete;
  StitchedFile& operator=(const StitchedFile&) = delete;

  void Append(std::string_view text);
  Status Commit(std::string_view head, std::string_view tail);
  // The same with `more` (read from its start; may be null) between the body and the tail.
  Status Commit(std::string_view head, std::FILE* more, std::string_view tail);

 private:
  StitchedFile(std::string path, std::string what, std::string body_path, FilePtr body);
  Status Fail(std::string_view step) const;

  std::string path_;
  std::string what_;
  std::string body_path_;
  FilePtr body_;
  bool committed_ = false;
};

}  // namespace fetchpool
