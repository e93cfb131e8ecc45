#include "fetchpool/util/status.hpp"

#include <fmt/format.h>

#include <cstring>

namespace fetchpool {
namespace {

// strerror_r has two signatures; these overloads take whichever glibc declares.
[[maybe_unused]] const char* Pick(int rc, const char* buffer) { return rc == 0 ? buffer : nullptr; }
[[maybe_unused]] const char* Pick(const char* text, const char*) { return text; }

}  // namespace

Status Status::FromErrno(std::string_view context, int err) {
  return Status(fmt::format("{}: {}", context, ErrnoText(err)), err);
}

Status Status::Errno(int err) { return err == 0 ? Status() : Status(ErrnoText(err), err); }

std::string ErrnoText(int err) {
  char buffer[256] = {};
  const char* text = Pick(::strerror_r(err, buffer, sizeof buffer), buffer);
  if (text == nullptr || text[0] == '\0') return fmt::format("error {}", err);
  return text;
}

}  // namespace fetchpool
