#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace fetchpool {

// The outcome of a setup step (opening a file, parsing a flag, creating a report): ok, or one
// line for stderr. Transfer outcomes are Results, not Statuses. A plain value, in the spirit of
// leveldb's Status.
class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return {}; }
  // Never ok, even with an empty message (that reads as "error").
  static Status Error(std::string message) {
    return Status(message.empty() ? "error" : std::move(message), 0);
  }
  // "CONTEXT: strerror(err)", keeping `err` for callers that branch on it.
  static Status FromErrno(std::string_view context, int err);
  // Just strerror(err), for callers that add their own context; ok for 0.
  static Status Errno(int err);

  bool ok() const { return message_.empty(); }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return message_; }
  // The errno behind the failure, or 0.
  int errno_code() const { return errno_; }

 private:
  Status(std::string message, int err) : message_(std::move(message)), errno_(err) {}
  std::string message_;
  int errno_ = 0;
};

// strerror(err) without strerror's shared buffer, so any thread may call it.
std::string ErrnoText(int err);

}  // namespace fetchpool
