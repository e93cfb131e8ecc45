#include "fetchpool/input_count.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/url_reader.hpp"

namespace fetchpool {
namespace {

constexpr std::string_view kSpace = " \t\r\n\v\f";

class LineCounter {
 public:
  explicit LineCounter(const std::optional<Shard>& shard) : shard_(shard) {}

  void Feed(std::string_view data) {
    while (!data.empty()) {
      const auto nl = data.find('\n');
      const std::string_view piece = data.substr(0, nl);
      if (pending_.size() <= kMaxLineBytes) {
        pending_.append(piece.substr(0, kMaxLineBytes + 1 - pending_.size()));
      }
      if (nl == std::string_view::npos) return;
      EndLine();
      data.remove_prefix(nl + 1);
    }
  }

  std::uint64_t Finish() {
    if (!pending_.empty()) EndLine();
    return urls_;
  }

 private:
  void EndLine() {
    std::string_view text = pending_;
    if (++line_ == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    const auto first = text.find_first_not_of(kSpace);
    if (first != std::string_view::npos && text[first] != '#') {
      const std::string_view url = text.substr(first, text.find_first_of(kSpace, first) - first);
      if (!shard_ || shard_->Takes(url)) ++urls_;
    }
    pending_.clear();
  }

  const std::optional<Shard>& shard_;
  std::string pending_;
  std::uint64_t line_ = 0;
  std::uint64_t urls_ = 0;
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd > STDIN_FILENO) ::close(fd);
  }
};

std::optional<std::uint64_t> CountOne(int fd, const std::optional<Shard>& shard,
                                      const std::stop_token& stop) {
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  LineCounter counter(shard);
  std::vector<char> buf(std::size_t{256} * 1024);
  off_t offset = 0;
  for (;;) {
    if (stop.stop_requested()) return std::nullopt;
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    counter.Feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    offset += n;
  }
  return counter.Finish();
}

}  // namespace

std::optional<std::uint64_t> CountUrls(const InputOptions& input, const std::stop_token& stop) {
  const std::vector<std::string> stdin_only{"-"};
  std::uint64_t total = 0;
  for (const std::string& name : input.files.empty() ? stdin_only : input.files) {
    Fd in{name == "-" ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
    const std::optional<std::uint64_t> n = CountOne(in.fd, input.shard, stop);
    if (!n) return std::nullopt;
    total += *n;
  }
  return total;
}

}  // namespace fetchpool
