#include "fetchpool/input/baseline.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "fetchpool/input/url_extractor.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/util/line_cutter.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {

Status LoadBaseline(const InputOptions& input, UrlKeySet& out) {
  const std::string& path = input.baseline;
  InputFd in{path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) return Status::FromErrno(fmt::format("--baseline: cannot open '{}'", path), errno);
  const bool lines_mode = input.mode == InputMode::kLines;
  auto on_line = [&](const LineCutter::Line& line) {
    if (line.overlong) return true;
    if (lines_mode) {
      if (const std::optional<std::string> url = UrlOfLine(line)) out.Insert(*url);
      return true;
    }
    return ForEachUrl(line.text, [&](const FoundUrl& found) {
      out.Insert(found.url);
      return true;
    });
  };
  LineCutter lines(lines_mode ? kMaxLineBytes : kMaxTextLineBytes);
  std::vector<char> buf(std::size_t{64} * 1024);
  for (;;) {
    const ssize_t n = ::read(in.fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(fmt::format("--baseline: cannot read '{}'", path), errno);
    if (n == 0) break;
    lines.Feed(std::string_view(buf.data(), static_cast<std::size_t>(n)), on_line);
  }
  lines.Finish(on_line);
  return Status::Ok();
}

}  // namespace fetchpool
