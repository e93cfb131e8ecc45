#include "fetchpool/input/sitemap_reader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <libxml/parser.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "fetchpool/input/sitemap_xml.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {
namespace {

bool IsHttpUrl(std::string_view location) {
  return StartsWithIgnoreCase(location, "http://") || StartsWithIgnoreCase(location, "https://");
}

// An unlinked temporary file for a fetched sitemap's body, in TMPDIR or /tmp.
UniqueFd TemporaryFile() {
  const char* dir = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): nothing sets it
  const std::string where = dir != nullptr && dir[0] != '\0' ? dir : "/tmp";
  UniqueFd fd(::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd) return fd;
  std::string name = where + "/fetchpool-sitemap-XXXXXX";
  fd.reset(::mkostemp(name.data(), O_CLOEXEC));
  if (fd) ::unlink(name.c_str());
  return fd;
}

// Where a sitemap is listed: the command line (depth 0) or a <loc> of an index.
struct Listing {
  std::string location;         // as written (trimmed)
  std::string_view in;          // the listing sitemap's name; kStdinName on the command line
  std::uint64_t line = 0;       // of the <loc>
  std::string directory;        // of a local listing index, for a child that is a file name
  bool local_children = false;  // the listing index is a local file
  int depth = 0;
};

// Thread-compatible: the reader's.
class SitemapWalker {
 public:
  SitemapWalker(const SitemapRead& read, Status& error) : read_(read), error_(error) {}

  // False once no more input is wanted (or a command-line file could not be read).
  bool Visit(const Listing& at);

 private:
  // A result at the listing's <loc> (the sitemap's own outcome, or why it was not read).
  bool Report(const Listing& at, bool warning, std::string why, Result base = {});
  bool Read(const Listing& at, int fd, std::string_view name, Result* fetched);
  bool Fetch(const Listing& at, UniqueFd& fd, Result& result);

  const SitemapRead& read_;
  Status& error_;
  std::vector<std::string> reading_;         // the indexes being read, outermost first
  std::unordered_set<std::string> visited_;  // every sitemap read or being read
};

bool SitemapWalker::Report(const Listing& at, bool warning, std::string why, Result base) {
  Job job;
  SetJobUrl(job, at.location);
  job.origin.input = at.in;
  job.origin.line = at.line;
  // The sitemap itself could not be read: an outcome of the input, as an invalid line is, so it
  // is reported here rather than judged from a transfer.
  Result r = base.origin.url.empty() ? MakeResult(job) : std::move(base);
  r.verdict.ok = false;
  r.verdict.warning = warning;
  if (r.verdict.error_kind == ErrorKind::kNone) r.verdict.error_kind = ErrorKind::kOther;
  r.verdict.error = std::move(why);
  return read_.gate.Deliver(std::move(r));
}

bool SitemapWalker::Fetch(const Listing& at, UniqueFd& fd, Result& result) {
  Job job;
  SetJobUrl(job, at.location);
  job.origin.input = at.in;
  job.origin.line = at.line;
  ValidateJob(job);
  if (!job.target.invalid.empty() || !read_.target.fetch_sitemap) {
    result = MakeResult(job);
    result.verdict.error_kind =
        job.target.invalid.empty() ? ErrorKind::kOther : ErrorKind::kInvalidUrl;
    result.verdict.error =
        job.target.invalid.empty() ? "sitemaps cannot be fetched here" : job.target.invalid;
    return false;
  }
  fd = TemporaryFile();
  if (!fd) {
    result = MakeResult(job);
    result.verdict.error_kind = ErrorKind::kOther;
    result.verdict.error = fmt::format("no temporary file for the sitemap: {}", ErrnoText(errno));
    return false;
  }
  result = read_.target.fetch_sitemap(job, fd.get());
  return result.verdict.ok && ::lseek(fd.get(), 0, SEEK_SET) == 0;
}

bool SitemapWalker::Visit(const Listing& at) {
  if (std::find(reading_.begin(), reading_.end(), at.location) != reading_.end()) {
    return Report(at, true, "sitemap index loop: this index is already being read; not followed");
  }
  if (!visited_.insert(at.location).second) return true;  // listed twice: read once
  if (at.depth > kMaxSitemapDepth) {
    return Report(
        at, false,
        fmt::format("sitemap indexes nested deeper than {}; not followed", kMaxSitemapDepth));
  }
  const std::string_view name = read_.target.names->Intern(at.location);
  if (IsHttpUrl(at.location)) {
    UniqueFd fd;
    Result fetched;
    if (!Fetch(at, fd, fetched)) {
      if (fetched.verdict.error_kind == ErrorKind::kAborted) return false;
      return read_.gate.Deliver(std::move(fetched));
    }
    return Read(at, fd.get(), name, &fetched);
  }
  if (at.depth > 0 && !at.local_children) {
    return Report(at, false, "not an http(s) URL: a fetched index may only list URLs");
  }
  std::string path = at.location;
  if (StartsWithIgnoreCase(path, "file://")) path.erase(0, 7);
  if (at.depth > 0 && !path.starts_with('/')) path = at.directory + path;
  InputFd in{path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) {
    const std::string why = fmt::format("cannot open sitemap '{}': {}", path, ErrnoText(errno));
    if (at.depth > 0) return Report(at, false, why);
    error_ = Status::Error(why);
    return false;
  }
  return Read(at, in.fd, name, nullptr);
}

bool SitemapWalker::Read(const Listing& at, int fd, std::string_view name, Result* fetched) {
  SitemapXml xml(fd, read_.wake_fd);
  Listing child;
  child.in = name;
  child.depth = at.depth + 1;
  child.local_children = fetched == nullptr;
  if (child.local_children && at.location != "-") {
    const std::size_t slash = at.location.rfind('/');
    child.directory =
        slash == std::string::npos ? std::string() : std::string(at.location.substr(0, slash + 1));
    if (StartsWithIgnoreCase(child.directory, "file://")) child.directory.erase(0, 7);
    if (at.depth > 0 && !child.directory.starts_with('/'))
      child.directory = at.directory + child.directory;
  }
  reading_.push_back(at.location);
  bool more = true;
  while (more && xml.Next(child.location, child.line)) {
    if (xml.root() == SitemapXml::Root::kIndex) {
      more = Visit(child);
      continue;
    }
    Job job;
    SetJobUrl(job, child.location);
    job.origin.input = name;
    job.origin.line = child.line;
    more = read_.gate.Offer(std::move(job));
  }
  reading_.pop_back();
  if (!more || read_.gate.stop().stop_requested()) return false;
  std::string problem = xml.error();
  if (fetched != nullptr) {
    if (problem.empty()) return read_.gate.Deliver(std::move(*fetched));
    return Report(at, false, "not a sitemap: " + problem, std::move(*fetched));
  }
  if (problem.empty()) return true;
  const std::string why = fmt::format("sitemap '{}': {}", at.location, problem);
  if (at.depth > 0) return Report(at, false, why);
  error_ = Status::Error(why);
  return false;
}

}  // namespace

bool ReadSitemaps(const std::vector<std::string>& sitemaps, const SitemapRead& read,
                  Status& error) {
  xmlInitParser();  // once; only this thread uses libxml2's parser
  SitemapWalker walker(read, error);
  for (const std::string& sitemap : sitemaps) {
    Listing top;
    top.location = sitemap;
    top.in = kStdinName;
    if (!walker.Visit(top)) return false;
  }
  return true;
}

}  // namespace fetchpool
