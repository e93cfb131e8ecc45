// CurlFetcher's notes on each response as its header block arrives: Retry-After, whether it is a
// redirect to follow (its body is then discarded), and what the verdict reads of the chain's
// final response (ResponseNotes: a bot wall's headers, the start of a suspect body). An ordinary
// response costs a few comparisons.
#include <ctime>
#include <optional>
#include <span>
#include <string>

#include "fetchpool/core/retry_policy.hpp"
#include "fetchpool/http/curl_fetcher.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

// "HTTP/1.1 301 Moved Permanently" and "HTTP/2 301": the three digits after the first space.
long StatusOfLine(std::string_view line) {
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos || line.size() < space + 4) return 0;
  long status = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    status = status * 10 + (line[i] - '0');
  }
  return status;
}

// The value of a "Name: value" line when its name is `name` (lower case), trimmed.
std::optional<std::string_view> ValueIfNamed(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':' || !StartsWithIgnoreCase(line, name)) {
    return std::nullopt;
  }
  return TrimAsciiSpace(line.substr(name.size() + 1));
}

bool Listed(std::span<const std::string_view> names, std::string_view line,
            std::vector<HeaderNote>& noted) {
  for (std::string_view name : names) {
    if (const auto value = ValueIfNamed(line, name)) {
      noted.push_back({std::string(name), std::string(*value)});
      return true;
    }
  }
  return false;
}

}  // namespace

void CurlFetcher::NoteStatusLine(std::string_view line) {
  // A new response (after a 100 Continue, or an earlier request of the chain).
  const long status = StatusOfLine(line);
  retry_after_.reset();
  NoteCertificate();
  head_status_ = status;
  head_location_ = false;
  discard_body_ = false;
  noted_.clear();
  body_start_.clear();
  suspect_ = notes_ != nullptr && notes_->Suspect(status);
  if (suspect_) body_start_.reserve(notes_->body_bytes);
}

void CurlFetcher::NoteHeader(std::string_view line) {
  if (line == "\r\n" || line == "\n") {  // the end of the header block
    discard_body_ = follow_ && head_location_ && head_status_ >= 300 && head_status_ <= 399;
    return;
  }
  if (const auto value = ValueIfNamed(line, "retry-after")) {
    retry_after_ = ParseRetryAfter(*value, std::time(nullptr));
    return;
  }
  if (const auto value = ValueIfNamed(line, "location")) {
    head_location_ = !value->empty();  // libcurl ignores an empty Location too
    return;
  }
  if (notes_ == nullptr) return;
  if (Listed(notes_->headers, line, noted_)) return;
  if (suspect_) Listed(notes_->suspect_headers, line, noted_);
}

size_t CurlFetcher::OnHeader(char* data, size_t size, size_t count, void* self) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  const size_t n = size * count;
  const std::string_view line(data, n);
  try {
    if (line.starts_with("HTTP/")) {
      fetcher->NoteStatusLine(line);
    } else {
      fetcher->NoteHeader(line);
    }
  } catch (...) {
    // No exception may cross libcurl; a note that could not be kept (out of memory) is lost.
  }
  return n;
}

}  // namespace fetchpool
