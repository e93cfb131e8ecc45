#include "fetchpool/save/body_saver.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>

#include "fetchpool/save/output_path.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {
namespace {

constexpr int kCommitAttempts = 100;  // rename mode: names that appear on disk while we finish
constexpr std::size_t kFeedChunk = std::size_t{64} * 1024;

std::optional<std::string> Header(CURL* easy, const char* name) {
  curl_header* h = nullptr;
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || h == nullptr ||
      h->value == nullptr) {
    return std::nullopt;
  }
  return std::string(h->value);
}

// First byte position of "bytes FIRST-LAST/TOTAL".
std::optional<std::uint64_t> ContentRangeStart(std::string_view value) {
  constexpr std::string_view kUnit = "bytes ";
  if (value.substr(0, kUnit.size()) != kUnit) return std::nullopt;
  value.remove_prefix(kUnit.size());
  std::uint64_t first = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), first);
  if (ec != std::errc() || end == value.data() + value.size() || *end != '-') return std::nullopt;
  return first;
}

long ResponseCode(CURL* easy) {
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

}  // namespace

std::string BodySaver::Display(const std::string& name) const {
  return dir_.Display(rel_dir_.empty() ? name : rel_dir_ + "/" + name);
}

void BodySaver::Fail(Saved& saved, std::string message) const {
  saved.skipped = false;
  saved.error = std::move(message);
  saved.path.clear();
}

void BodySaver::Skip(Saved& saved, const std::string& name) const {
  saved.skipped = true;
  saved.error.clear();
  saved.path = Display(name);
}

void BodySaver::Reset(CURL* easy, const Expectations* expect) {
  EndTransfer();
  expect_ = expect;
  subdir_.reset();
  rel_dir_.clear();
  range_.clear();
  sink_ = Sink::kUndecided;
  resumed_ = false;
  skipped_ = false;
  existing_.clear();
  error_.clear();
  curl_easy_setopt(easy, CURLOPT_RANGE, nullptr);  // the handle is reused: drop the last range
}

void BodySaver::EndTransfer() {
  file_ = BodyFile();  // closes; removes a temporary file
  claim_.Release();
}

BodySaver::Plan BodySaver::Prepare(CURL* easy, const std::string& url, const Expectations* expect,
                                   Saved& saved) {
  Reset(easy, expect);

  const SaveOptions& options = dir_.options();
  const std::optional<OutputPath> path = OutputPathFromUrl(url, options.mirror_paths);
  if (!path) {
    Fail(saved, "cannot name a file after this URL");
    return Plan::kDone;
  }
  if (Status s = dir_.OpenSubdir(path->dirs, &subdir_); !s.ok()) {
    Fail(saved, s.message());
    return Plan::kDone;
  }
  for (const std::string& d : path->dirs) rel_dir_ += rel_dir_.empty() ? d : "/" + d;
  url_name_ = path->name;
  // The server's name is known only once the response starts; Begin claims it then.
  if (options.content_disposition) return Plan::kFetch;

  if (!ClaimName(url_name_)) {
    if (skipped_) {
      Skip(saved, existing_);
    } else {
      Fail(saved, error_);
    }
    return Plan::kDone;
  }
  if (options.resume) {
    // Hidden, and named so no final name (never starting with '.') can be mistaken for it.
    const std::string partial = "." + claim_.name() + ".part";
    if (Status s = BodyFile::OpenPartial(subdir_.get(), partial, file_); !s.ok()) {
      Fail(saved, fmt::format("cannot open '{}': {}", Display(partial), s.message()));
      return Plan::kDone;
    }
    if (file_.size() > 0) {
      range_ = fmt::format("{}-", file_.size());
      curl_easy_setopt(easy, CURLOPT_RANGE, range_.c_str());
    }
  }
  return Plan::kFetch;
}

bool BodySaver::ClaimName(const std::string& wanted) {
  wanted_ = wanted;
  switch (dir_.Claim(subdir_.get(), rel_dir_, wanted, claim_)) {
    case OutputDir::ClaimStatus::kClaimed:
      return true;
    case OutputDir::ClaimStatus::kExists:
      existing_ = claim_.name();
      if (dir_.options().on_exists == OnExists::kSkip) {
        skipped_ = true;
      } else {
        error_ = fmt::format("'{}' already exists", Display(existing_));
      }
      return false;
    case OutputDir::ClaimStatus::kError:
      break;
  }
  error_ = fmt::format("no free name for '{}'", Display(wanted));
  return false;
}

bool BodySaver::FeedPartial(BodyChecker& checker) {
  if (expect_ == nullptr || !expect_->NeedsBody()) return true;
  // The checks judge the whole file, not just the part that arrived this time.
  std::vector<char> buffer(kFeedChunk);
  std::uint64_t offset = 0;
  while (offset < file_.size()) {
    const ssize_t n = ::pread(file_.fd(), buffer.data(), buffer.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = fmt::format("cannot read '{}': {}", Display("." + claim_.name() + ".part"),
                           n == 0 ? "file shrank" : ErrnoText(errno));
      return false;
    }
    checker.Consume(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool BodySaver::Begin(CURL* easy, BodyChecker* checker) {
  const long status = ResponseCode(easy);
  if (status < 200 || status > 299) {
    sink_ = Sink::kNone;
    return true;
  }
  if (dir_.options().content_disposition) {
    std::string wanted;
    if (std::optional<std::string> value = Header(easy, "Content-Disposition")) {
      wanted = NameFromContentDisposition(*value);
    }
    if (!ClaimName(wanted.empty() ? url_name_ : wanted)) return false;
  }
  if (file_.is_open()) {  // --continue: the partial
    if (status == 206 && !range_.empty()) {
      const std::optional<std::string> range = Header(easy, "Content-Range");
      const std::optional<std::uint64_t> first = range ? ContentRangeStart(*range) : std::nullopt;
      if (!first || *first != file_.size()) {
        error_ = fmt::format("cannot resume '{}': asked for bytes {}, server sent '{}'",
                             Display(claim_.name()), range_, range.value_or("no Content-Range"));
        return false;
      }
      if (checker != nullptr && !FeedPartial(*checker)) return false;
      resumed_ = true;
    } else if (Status s = file_.Truncate(); !s.ok()) {
      // 200: the server ignored the range and sends everything; start over.
      error_ = fmt::format("cannot write '{}': {}", Display(claim_.name()), s.message());
      return false;
    }
  } else if (Status s = BodyFile::CreateTemp(subdir_.get(), file_); !s.ok()) {
    error_ = fmt::format("cannot create a file in '{}': {}", dir_.Display(rel_dir_), s.message());
    return false;
  }
  sink_ = Sink::kFile;
  return true;
}

bool BodySaver::Write(CURL* easy, std::string_view data, BodyChecker& checker) {
  if (sink_ == Sink::kUndecided && !Begin(easy, &checker)) return false;
  if (sink_ != Sink::kFile) return true;
  if (Status s = file_.Write(data); !s.ok()) {
    error_ = fmt::format("cannot write '{}': {}", Display(claim_.name()), s.message());
    return false;
  }
  return true;
}

bool BodySaver::RestartWithoutRange(CURL* easy) {
  if (range_.empty() || ResponseCode(easy) != 416) return false;
  range_.clear();
  curl_easy_setopt(easy, CURLOPT_RANGE, nullptr);
  if (Status s = file_.Truncate(); !s.ok()) {
    error_ = fmt::format("cannot write '{}': {}", Display(claim_.name()), s.message());
    return false;
  }
  sink_ = Sink::kUndecided;
  return true;
}

void BodySaver::Finish(CURL* easy, CURLcode code, const Verdict& verdict, Saved& saved) {
  // An empty body never reached Write: decide now where it goes (and whether a skip applies).
  if (verdict.ok && sink_ == Sink::kUndecided && error_.empty() && !skipped_) Begin(easy, nullptr);
  if (verdict.error_kind != ErrorKind::kAborted) {
    if (skipped_) {
      Skip(saved, existing_);
    } else if (!error_.empty()) {
      Fail(saved, error_);
    }
  }
  if (verdict.ok && !saved.skipped && saved.error.empty() && sink_ == Sink::kFile) {
    return Commit(saved);
  }

  if (file_.is_open() && dir_.options().resume) {
    // Keep a partial only if it holds something and the transfer broke off: a complete body that
    // failed a check would only be "resumed" into the same failure.
    const bool keep = file_.size() > 0 && !(sink_ == Sink::kFile && code == CURLE_OK);
    if (!keep) file_.Discard();
  }
  EndTransfer();
}

void BodySaver::Commit(Saved& saved) {
  const OnExists mode = dir_.options().on_exists;
  for (int attempt = 0; attempt < kCommitAttempts; ++attempt) {
    const Status s = file_.Commit(claim_.name(), mode == OnExists::kOverwrite);
    if (s.ok()) {
      saved.path = Display(claim_.name());
      claim_.Committed();
      return;
    }
    if (s.errno_code() != EEXIST) {
      Fail(saved, fmt::format("cannot save '{}': {}", Display(claim_.name()), s.message()));
      break;
    }
    // Something else created the name since we claimed it (another program): never clobber it.
    if (mode == OnExists::kRename && ClaimName(wanted_)) continue;
    if (mode == OnExists::kSkip) {
      Skip(saved, claim_.name());
    } else {
      Fail(saved, fmt::format("'{}' already exists", Display(claim_.name())));
    }
    break;
  }
  if (dir_.options().resume && file_.is_open()) file_.Discard();
  EndTransfer();
}

}  // namespace fetchpool
