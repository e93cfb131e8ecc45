#include "fetchpool/input/input_count.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/input/job_gate.hpp"
#include "fetchpool/input/text_urls.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/util/line_cutter.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {
namespace {

std::optional<std::uint64_t> CountOne(int fd, const InputOptions& input, const UrlKeySet* baseline,
                                      const std::stop_token& stop) {
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  // The reader's own rules for what makes a job, through the same LineCutter and UrlOfLine (or
  // TextUrls), and the gate's own InputTakes.
  std::uint64_t urls = 0;
  std::optional<TextUrls> text;
  if (input.mode != InputMode::kLines) text.emplace(input.mode, nullptr);
  auto count = [&](const LineCutter::Line& line) {
    if (text) {
      return text->Line(line, [&](LineUrl&& found) {
        if (InputTakes(input, baseline, found.url)) ++urls;
        return true;
      });
    }
    const std::optional<std::string> url = UrlOfLine(line);
    if (url && InputTakes(input, baseline, *url)) ++urls;
    return true;
  };
  LineCutter lines(text ? kMaxTextLineBytes : kMaxLineBytes);
  std::vector<char> buf(std::size_t{256} * 1024);
  off_t offset = 0;
  for (;;) {
    if (stop.stop_requested()) return std::nullopt;
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    lines.Feed(std::string_view(buf.data(), static_cast<std::size_t>(n)), count);
    offset += n;
  }
  lines.Finish(count);
  return urls;
}

}  // namespace

std::optional<std::uint64_t> CountUrls(const InputOptions& input, const UrlKeySet* baseline,
                                       const std::stop_token& stop) {
  // A sitemap's URLs are known only once it is fetched and read.
  if (!input.sitemaps.empty()) return std::nullopt;
  std::uint64_t total = 0;
  for (const std::string_view source : InputFiles(input)) {
    const std::string name(source);
    InputFd in{name == "-" ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
    const std::optional<std::uint64_t> n = CountOne(in.fd, input, baseline, stop);
    if (!n) return std::nullopt;
    total += *n;
  }
  return total;
}

}  // namespace fetchpool
