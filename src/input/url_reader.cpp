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
#include "fetchpool/input/job_gate.hpp"
#include "fetchpool/input/sitemap_reader.hpp"
#include "fetchpool/input/text_urls.hpp"
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

void SetJobUrl(Job& job, std::string_view url) {
  if (UrlHasSecret(url)) {
    job.target.fetch_url = std::string(url);
    job.origin.url = RedactUrl(url);
  } else {
    job.origin.url = std::string(url);
  }
}

std::optional<Job> SplitLine(std::string_view text) {
  const std::optional<std::string_view> line = UrlLine(text);
  if (!line) return std::nullopt;
  Job job;
  const std::string_view word = UrlWord(*line);
  SetJobUrl(job, word);
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

std::vector<std::string_view> InputFiles(const InputOptions& input) {
  if (!input.files.empty()) return {input.files.begin(), input.files.end()};
  if (!input.sitemaps.empty()) return {};
  return {kStdinName};
}

namespace {

// Splits one source into lines and offers their jobs to the gate. Returns false when no more
// input is wanted (stop requested), with `error` set only for genuine read failures.
// Thread-safety: none; one per source, on the reader thread.
class SourceReader {
 public:
  SourceReader(JobGate& gate, const ReadTarget& target, int wake_fd, InputMode mode,
               std::string_view input, ListDigest& list)
      : gate_(gate),
        wake_fd_(wake_fd),
        input_(input),
        list_(list),
        lines_(mode == InputMode::kLines ? kMaxLineBytes : kMaxTextLineBytes) {
    if (mode != InputMode::kLines) text_.emplace(mode, target.names);
  }

  bool Read(int fd, const std::string& name, Status& error) {
    auto on_line = [this](const LineCutter::Line& line) { return EndLine(line); };
    char buf[64 * 1024];
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    for (;;) {
      if (gate_.stop().stop_requested()) return false;
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
    if (text_) {
      return text_->Line(line, [this](LineUrl&& url) { return OfferText(std::move(url)); });
    }
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
    job->origin.line = line.number;
    job->origin.input = input_;
    return gate_.Offer(std::move(*job));
  }

  bool OfferText(LineUrl&& found) {
    list_.Add(found.url);  // the text modes' identity: the URLs found, in order
    Job job;
    SetJobUrl(job, found.url);
    job.origin.input = found.file.empty() ? input_ : found.file;
    job.origin.line = found.line;
    job.origin.column = found.column;
    if (found.overlong) {
      job.target.invalid =
          fmt::format("line too long (over {} bytes): its URLs were not read", kMaxTextLineBytes);
      job.target.checked = true;
    }
    return gate_.Offer(std::move(job));
  }

  JobGate& gate_;
  int wake_fd_;
  std::string_view input_;  // Job::input
  ListDigest& list_;
  LineCutter lines_;
  std::optional<TextUrls> text_;  // the text modes
};

}  // namespace

ReadOutcome ReadUrls(const InputOptions& input, const ReadTarget& given,
                     const std::stop_token& stop) {
  StopWakeup wakeup(stop);
  ReadOutcome outcome;
  ReadTarget target = given;
  ListDigest list;
  if (target.names == nullptr) {
    outcome.names = std::make_unique<OriginNames>();
    target.names = outcome.names.get();
  }
  JobGate gate(input, target, stop);
  bool more = true;
  // Jobs view each name where `input` keeps it; stdin's is a literal.
  for (const std::string_view source : InputFiles(input)) {
    const std::string name(source);
    InputFd in{name == "-" ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) {
      outcome.error = Status::FromErrno(fmt::format("cannot open '{}'", name), errno);
      more = false;
      break;
    }
    SourceReader reader(gate, target, wakeup.fd(), input.mode, source, list);
    more = reader.Read(in.fd, name == "-" ? "<stdin>" : name, outcome.error);
    if (!more) break;
  }
  if (more && !input.sitemaps.empty()) {
    ReadSitemaps(input.sitemaps, {.gate = gate, .target = target, .wake_fd = wakeup.fd()},
                 outcome.error);
  }
  outcome.urls = gate.submitted();
  if (more && outcome.error.ok()) outcome.list = list.Finish();
  return outcome;
}

}  // namespace fetchpool
