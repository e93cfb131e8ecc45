#include "fetchpool/input/url_reader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>

#include "fetchpool/hosts/host_key.hpp"
#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/stop_wakeup.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/unique_fd.hpp"
#include "fetchpool/util/url.hpp"

namespace fetchpool {
namespace {

// A line that makes a job: not blank, not a comment. Trimmed.
std::optional<std::string_view> UrlLine(std::string_view line) {
  line = TrimAsciiSpace(line);
  if (line.empty() || line.front() == '#') return std::nullopt;
  return line;
}

// The URL of a UrlLine: its first word.
std::string_view UrlWord(std::string_view url_line) {
  return url_line.substr(0, url_line.find_first_of(kAsciiSpace));
}

// --state: a digest of the checks as written, whitespace-insensitive (0: no checks), so a cached
// result is reused only for the checks it was judged by.
std::uint64_t ChecksDigest(std::string_view checks) {
  std::string words;
  for (std::size_t at = checks.find_first_not_of(kAsciiSpace); at != std::string_view::npos;) {
    const std::size_t end = checks.find_first_of(kAsciiSpace, at);
    if (!words.empty()) words += ' ';
    words.append(checks.substr(at, end - at));
    at = checks.find_first_not_of(kAsciiSpace, end);
  }
  return words.empty() ? 0 : Shard::Hash(words) | 1;
}

}  // namespace

std::string ValidateUrl(const std::string& url, Target& target) {
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
  target.host = HostKeyOfName(host);
  target.ip_literal = IsIpLiteralHost(host);
  const std::string port = UrlPart(h.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  target.port = static_cast<std::uint16_t>(std::strtoul(port.c_str(), nullptr, 10));
  return {};
}

std::optional<Job> SplitLine(std::string_view text) {
  const std::optional<std::string_view> line = UrlLine(text);
  if (!line) return std::nullopt;
  Job job;
  const std::string_view word = UrlWord(*line);
  if (UrlHasSecret(word)) {
    job.target.fetch_url = std::string(word);
    job.origin.url = RedactUrl(word);
  } else {
    job.origin.url = std::string(word);
  }
  if (const std::string_view checks = line->substr(word.size()); !checks.empty()) {
    job.checks.digest = ChecksDigest(checks);
    job.checks.expect = std::make_unique<Expectations>();
    if (std::string bad = ParseExpectations(checks, *job.checks.expect); !bad.empty()) {
      job.target.invalid = std::move(bad);
    }
  }
  return job;
}

std::optional<std::string> UrlOfLine(const LineCutter::Line& line) {
  if (line.overlong) return RedactUrl(TrimAsciiSpace(line.text)) + "...";
  const std::optional<std::string_view> url_line = UrlLine(line.text);
  if (!url_line) return std::nullopt;
  return RedactUrl(UrlWord(*url_line));
}

void ValidateJob(Job& job) {
  if (job.target.checked) return;
  job.target.checked = true;
  const std::string& url = job.target.fetch_url.empty() ? job.origin.url : job.target.fetch_url;
  if (std::string why = ValidateUrl(url, job.target); !why.empty()) {
    job.target.invalid = "invalid URL: " + why;  // before any complaint about the line's checks
    job.checks.expect.reset();
    job.checks.digest = 0;
  }
  if (!job.target.invalid.empty()) job.target.host.clear();  // it makes no request
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
// Thread-safety: none; one per source, on the reader thread.
class SourceReader {
 public:
  SourceReader(const ReadTarget& target, std::stop_token stop, int wake_fd, std::uint64_t& seq,
               const std::optional<Shard>& shard, std::string_view input, ListDigest& list)
      : target_(target),
        stop_(std::move(stop)),
        wake_fd_(wake_fd),
        seq_(seq),
        shard_(shard),
        input_(input),
        list_(list) {}

  bool Read(int fd, const std::string& name, Status& error) {
    auto on_line = [this](const LineCutter::Line& line) { return EndLine(line); };
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
      if (!lines_.Feed(std::string_view(buf, static_cast<std::size_t>(n)), on_line)) return false;
    }
    return lines_.Finish(on_line);
  }

 private:
  bool EndLine(const LineCutter::Line& line) {
    std::optional<Job> job;
    if (line.overlong) {
      job.emplace();
      job->origin.url = *UrlOfLine(line);
      job->target.invalid = fmt::format("line too long (over {} bytes)", kMaxLineBytes);
      job->target.checked = true;  // nothing to check: the line is refused whole
    } else {
      job = SplitLine(line.text);
    }
    if (!job) return true;
    // Every shard's lines: the list's identity must not depend on K.
    list_.Add(line.overlong ? std::string_view(job->origin.url) : TrimAsciiSpace(line.text));
    if (shard_ && !shard_->Takes(job->origin.url)) return true;
    if (target_.window != nullptr && !target_.window->Acquire(stop_)) return false;
    job->origin.seq = seq_++;
    job->origin.line = line.number;
    job->origin.input = input_;
    return target_.submit(std::move(*job));
  }

  const ReadTarget& target_;
  std::stop_token stop_;
  int wake_fd_;
  std::uint64_t& seq_;
  const std::optional<Shard>& shard_;
  std::string_view input_;  // Job::input
  ListDigest& list_;
  LineCutter lines_;
};

}  // namespace

ReadOutcome ReadUrls(const InputOptions& input, const ReadTarget& target,
                     const std::stop_token& stop) {
  StopWakeup wakeup(stop);
  ReadOutcome outcome;
  ListDigest list;
  bool whole = true;
  const std::vector<std::string> stdin_only{"-"};
  for (const std::string& name : input.files.empty() ? stdin_only : input.files) {
    InputFd in{name == "-" ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) {
      outcome.error = Status::FromErrno(fmt::format("cannot open '{}'", name), errno);
      whole = false;
      break;
    }
    // Jobs view the name where `input` keeps it; stdin's is a literal.
    const std::string_view source = name == "-" ? kStdinName : std::string_view(name);
    SourceReader reader(target, stop, wakeup.fd(), outcome.urls, input.shard, source, list);
    if (!reader.Read(in.fd, name == "-" ? "<stdin>" : name, outcome.error)) {
      whole = false;
      break;
    }
  }
  if (whole) outcome.list = list.Finish();
  return outcome;
}

}  // namespace fetchpool
