#include "fetchpool/url_reader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

#include "fetchpool/curl_handles.hpp"
#include "fetchpool/host_key.hpp"
#include "fetchpool/stop_wakeup.hpp"
#include "fetchpool/text.hpp"

namespace fetchpool {
namespace {

constexpr std::string_view kSpace = " \t\r\n\v\f";
constexpr std::size_t kShownPrefix = 200;  // how much of an over-long line the report repeats

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Closes the fd unless it is stdin, which belongs to the process.
struct InputFd {
  int fd = -1;
  ~InputFd() {
    if (fd > STDIN_FILENO) ::close(fd);
  }
};

// --state: a digest of the checks as written, whitespace-insensitive (0: no checks), so a cached
// result is reused only for the checks it was judged by.
std::uint64_t ChecksDigest(std::string_view checks) {
  std::string words;
  for (std::size_t at = checks.find_first_not_of(kSpace); at != std::string_view::npos;) {
    const std::size_t end = checks.find_first_of(kSpace, at);
    if (!words.empty()) words += ' ';
    words.append(checks.substr(at, end - at));
    at = checks.find_first_not_of(kSpace, end);
  }
  return words.empty() ? 0 : Shard::Hash(words) | 1;
}

}  // namespace

std::string ValidateUrl(const std::string& url, Job* job) {
  if (url.empty()) return "empty URL";
  for (unsigned char c : url) {
    if (c < 0x20 || c == 0x7f) return "control character in URL";
  }
  UrlHandle h(curl_url());
  if (!h) return "out of memory";
  const CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) {
    UrlHandle guess(curl_url());
    if (guess &&
        curl_url_set(guess.get(), CURLUPART_URL, url.c_str(), CURLU_GUESS_SCHEME) == CURLUE_OK &&
        url.find("://") == std::string::npos) {
      return "no scheme (expected http:// or https://)";
    }
    return curl_url_strerror(rc);
  }
  const std::string scheme = AsciiLower(UrlPart(h.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return fmt::format("unsupported scheme '{}' (only http and https)", scheme);
  }
  const std::string host = UrlPart(h.get(), CURLUPART_HOST);
  if (host.empty()) return "no host";
  if (job != nullptr) {
    job->host = HostKeyOfName(host);
    job->ip_literal = IsIpLiteralHost(host);
  }
  return {};
}

std::optional<Job> SplitLine(std::string_view line) {
  line = Trim(line);
  if (line.empty() || line.front() == '#') return std::nullopt;
  Job job;
  const auto end = line.find_first_of(kSpace);
  job.url = std::string(line.substr(0, end));
  if (end != std::string_view::npos) {
    job.checks_digest = ChecksDigest(line.substr(end));
    job.expect = std::make_unique<Expectations>();
    if (std::string bad = ParseExpectations(line.substr(end), *job.expect); !bad.empty()) {
      job.invalid = std::move(bad);
    }
  }
  return job;
}

void ValidateJob(Job& job) {
  if (job.url_checked) return;
  job.url_checked = true;
  if (std::string why = ValidateUrl(job.url, &job); !why.empty()) {
    job.invalid = "invalid URL: " + why;  // before any complaint about the line's checks
    job.expect.reset();
    job.checks_digest = 0;
  }
}

std::optional<Job> ParseLine(std::string_view line) {
  std::optional<Job> job = SplitLine(line);
  if (job) ValidateJob(*job);
  return job;
}

Status CheckInputsReadable(const std::vector<std::string>& inputs) {
  for (const std::string& path : inputs) {
    if (path == "-") continue;
    InputFd in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) return Status::FromErrno(fmt::format("cannot open '{}'", path), errno);
    struct stat st {};
    if (::fstat(in.fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      return Status::Error(fmt::format("cannot read '{}': is a directory", path));
    }
  }
  return Status::Ok();
}

namespace {

// Splits one source into lines and pushes their jobs. Returns false when the queue refused a job
// (stop requested), with `error` set only for genuine read failures.
class SourceReader {
 public:
  SourceReader(const ReadTarget& target, std::stop_token stop, int wake_fd, std::uint64_t& seq,
               const std::optional<Shard>& shard, std::string_view input)
      : target_(target),
        stop_(std::move(stop)),
        wake_fd_(wake_fd),
        seq_(seq),
        shard_(shard),
        input_(input) {}

  bool Read(int fd, const std::string& name, Status& error) {
    char buf[64 * 1024];
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    for (;;) {
      if (stop_.stop_requested()) return false;
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        error = Status::FromErrno(fmt::format("cannot read '{}'", name), errno);
        return false;
      }
      if (fds[1].revents != 0) return false;
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        error = Status::FromErrno(fmt::format("cannot read '{}'", name), errno);
        return false;
      }
      if (n == 0) break;
      if (!Consume(std::string_view(buf, static_cast<std::size_t>(n)))) return false;
    }
    if (!pending_.empty() || overlong_) return EndLine();
    return true;
  }

 private:
  bool Consume(std::string_view data) {
    while (!data.empty()) {
      const auto nl = data.find('\n');
      const std::string_view piece = data.substr(0, nl);
      if (!overlong_) {
        if (pending_.size() + piece.size() > kMaxLineBytes) {
          overlong_ = true;
          const std::size_t room =
              kShownPrefix > pending_.size() ? kShownPrefix - pending_.size() : 0;
          pending_.append(piece.substr(0, room));
          pending_.resize(std::min(pending_.size(), kShownPrefix));
        } else {
          pending_.append(piece);
        }
      }
      if (nl == std::string_view::npos) return true;
      if (!EndLine()) return false;
      data.remove_prefix(nl + 1);
    }
    return true;
  }

  bool EndLine() {
    ++line_;
    std::optional<Job> job;
    std::string_view text = pending_;
    if (line_ == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM
    if (overlong_) {
      job.emplace();
      job->url = std::string(Trim(text)) + "...";
      job->invalid = fmt::format("line too long (over {} bytes)", kMaxLineBytes);
      job->url_checked = true;  // nothing to check: the line is refused whole
    } else {
      job = SplitLine(text);
      if (job && target_.validate) ValidateJob(*job);
    }
    pending_.clear();
    overlong_ = false;
    if (!job) return true;
    if (shard_ && !shard_->Takes(job->url)) return true;
    if (target_.window != nullptr && !target_.window->Acquire(stop_)) return false;
    job->seq = seq_++;
    job->line = line_;
    job->input = input_;
    return target_.submit(std::move(*job));
  }

  const ReadTarget& target_;
  std::stop_token stop_;
  int wake_fd_;
  std::uint64_t& seq_;
  const std::optional<Shard>& shard_;
  std::string_view input_;  // Job::input
  std::uint64_t line_ = 0;
  std::string pending_;
  bool overlong_ = false;
};

}  // namespace

ReadOutcome ReadUrls(const InputOptions& input, const ReadTarget& target,
                     const std::stop_token& stop) {
  StopWakeup wakeup(stop);
  ReadOutcome outcome;
  const std::vector<std::string> stdin_only{"-"};
  for (const std::string& name : input.files.empty() ? stdin_only : input.files) {
    InputFd in{name == "-" ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) {
      outcome.error = Status::FromErrno(fmt::format("cannot open '{}'", name), errno);
      break;
    }
    // Jobs view the name where `input` keeps it; stdin's is a literal.
    const std::string_view source = name == "-" ? kStdinName : std::string_view(name);
    SourceReader reader(target, stop, wakeup.fd(), outcome.urls, input.shard, source);
    if (!reader.Read(in.fd, name == "-" ? "<stdin>" : name, outcome.error)) break;
  }
  return outcome;
}

}  // namespace fetchpool
