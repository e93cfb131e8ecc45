#include "fetchpool/reports/list_rewrite.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "fetchpool/reports/stitched_file.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// A temporary file beside `output`, removed unless Keep renames it into place.
class TempBeside {
 public:
  explicit TempBeside(const std::string& output) : output_(output), path_(output + ".XXXXXX") {
    const int fd = ::mkstemp(path_.data());
    if (fd < 0) {
      error_ = errno;
      return;
    }
    created_ = true;
    file_.reset(::fdopen(fd, "wb"));
    if (!file_) {
      error_ = errno;
      ::close(fd);
    }
  }
  ~TempBeside() {
    if (created_ && !kept_) ::unlink(path_.c_str());
  }
  TempBeside(const TempBeside&) = delete;
  TempBeside& operator=(const TempBeside&) = delete;

  std::FILE* get() const { return file_.get(); }
  int error() const { return error_; }

  // Flushes, syncs and renames the file to `output`, with `mode`'s permission bits.
  int Keep(mode_t mode) {
    std::FILE* f = file_.get();
    if (std::fflush(f) != 0 || ::fchmod(::fileno(f), mode & 07777) != 0 ||
        ::fsync(::fileno(f)) != 0)
      return errno;
    file_.reset();
    if (::rename(path_.c_str(), output_.c_str()) != 0) return errno;
    kept_ = true;
    return 0;
  }

 private:
  std::string output_;
  std::string path_;
  FilePtr file_;
  int error_ = 0;
  bool created_ = false;
  bool kept_ = false;
};

// The offsets of the first word of `line` (its URL), skipping a BOM on line 1.
std::pair<std::size_t, std::size_t> UrlWordOf(std::string_view line, std::uint64_t number) {
  std::size_t start = number == 1 && line.starts_with(kBom) ? kBom.size() : 0;
  start = line.find_first_not_of(kAsciiSpace, start);
  if (start == std::string_view::npos) return {line.size(), line.size()};
  std::size_t end = line.find_first_of(kAsciiSpace, start);
  if (end == std::string_view::npos) end = line.size();
  return {start, end};
}

struct LineReader {
  explicit LineReader(std::FILE* f) : file(f) {}
  ~LineReader() { std::free(buffer); }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  // The next line with its '\n', if any; nullopt at the end (or on an error: see std::ferror).
  std::optional<std::string_view> Next() {
    const ssize_t n = ::getline(&buffer, &size, file);
    if (n < 0) return std::nullopt;
    return std::string_view(buffer, static_cast<std::size_t>(n));
  }
  std::FILE* file;
  char* buffer = nullptr;
  std::size_t size = 0;
};

Status Failed(std::string_view what, const std::string& path, int error) {
  return Status::FromErrno(fmt::format("--rewrite: cannot {} '{}'", what, path), error);
}

}  // namespace

Status CheckRewritable(const std::string& output) {
  // Found now, not after the run: the rename at the end would fail on a directory.
  struct stat st {};
  if (::stat(output.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Failed("write", output, EISDIR);
  }
  TempBeside probe(output);
  if (probe.error() != 0) return Failed("write beside", output, probe.error());
  return Status::Ok();
}

Status RewriteList(const std::string& input, const std::string& output,
                   std::span<const UrlReplacement> replacements) {
  FilePtr in(std::fopen(input.c_str(), "rb"));
  if (!in) return Failed("read", input, errno);
  struct stat st {};
  if (::fstat(::fileno(in.get()), &st) != 0) return Failed("read", input, errno);
  TempBeside out(output);
  if (out.error() != 0) return Failed("write beside", output, out.error());
  LineReader lines(in.get());
  const UrlReplacement* next = replacements.data();
  const UrlReplacement* end = next + replacements.size();
  std::uint64_t number = 0;
  bool written = true;
  while (const std::optional<std::string_view> line = lines.Next()) {
    ++number;
    std::string_view rest = *line;
    if (next != end && next->line == number) {
      const auto [start, stop] = UrlWordOf(*line, number);
      if (line->substr(start, stop - start) != next->from) {
        return Status::Error(fmt::format(
            "--rewrite: '{}' changed during the run (line {} no longer holds {}); nothing written",
            input, number, next->from));
      }
      written = written && std::fwrite(line->data(), 1, start, out.get()) == start &&
                std::fwrite(next->to.data(), 1, next->to.size(), out.get()) == next->to.size();
      rest = line->substr(stop);
      ++next;
    }
    written = written && std::fwrite(rest.data(), 1, rest.size(), out.get()) == rest.size();
  }
  if (std::ferror(in.get()) != 0) return Failed("read", input, errno);
  if (next != end) {
    return Status::Error(
        fmt::format("--rewrite: '{}' changed during the run (it has no line {}); nothing written",
                    input, next->line));
  }
  if (!written) return Failed("write", output, errno);
  if (const int error = out.Keep(st.st_mode); error != 0) return Failed("write", output, error);
  return Status::Ok();
}

}  // namespace fetchpool
