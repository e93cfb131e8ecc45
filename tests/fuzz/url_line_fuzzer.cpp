// The URL list: arbitrary bytes through ReadUrls (line splitting, the UTF-8 BOM, trimming, '#'
// comments, the 64 KiB line cap) and SplitLine and ValidateJob (curl_url validation, per-line
// checks). The jobs must match a plain model of the documented rules line for line, and a job that
// is not marked invalid holds an http(s) URL that curl_url accepts, with no whitespace or control
// bytes. So that small inputs reach the line cap, the first byte 0xFE followed by K and C stands
// for (K + 1) * 512 copies of C (0xFE is never part of valid UTF-8, so little is lost). Only the
// first: long inputs are slow to check, and one overlong line is enough to reach the cap.
#include <curl/curl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/util/redact.hpp"
#include "fuzz_check.hpp"

namespace {

constexpr std::string_view kSpace = " \t\r\n\v\f";

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// The job docs/usage.md promises for one line that gives a job.
struct Expected {
  std::uint64_t line;
  std::string url;
  std::string invalid;
};

std::vector<Expected> Model(std::string_view input) {
  std::vector<Expected> out;
  std::uint64_t line = 0;
  while (!input.empty()) {
    const auto nl = input.find('\n');
    std::string_view text = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
    ++line;
    const bool overlong = text.size() > fetchpool::kMaxLineBytes;
    if (overlong) text = text.substr(0, 200);  // the report repeats the line's first 200 bytes
    if (line == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (overlong) {
      out.push_back({line, std::string(Trim(text)) + "...", "line too long (over 65536 bytes)"});
      continue;
    }
    if (std::optional<fetchpool::Job> job = fetchpool::SplitLine(text)) {
      fetchpool::ValidateJob(*job);
      out.push_back({line, job->origin.url, job->target.invalid});
    }
  }
  return out;
}

std::string Expand(std::string_view input) {
  std::string out;
  bool expanded = false;
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (!expanded && static_cast<unsigned char>(input[i]) == 0xfe && i + 2 < input.size()) {
      expanded = true;
      out.append((static_cast<unsigned char>(input[i + 1]) + 1u) * 512u, input[i + 2]);
      i += 2;
    } else {
      out += input[i];
    }
  }
  return out;
}

void CheckJob(const fetchpool::Job& job) {
  FUZZ_CHECK(!job.origin.url.empty());
  FUZZ_CHECK(job.origin.url.size() <= fetchpool::kMaxLineBytes);
  if (!job.target.invalid.empty()) return;
  FUZZ_CHECK(job.origin.url.find_first_of(kSpace) == std::string::npos);
  for (unsigned char c : job.origin.url) FUZZ_CHECK(c >= 0x20 && c != 0x7f);
  // curl_url accepts one to three slashes ("http:/host/"), so only the scheme is certain.
  FUZZ_CHECK(StartsWithNoCase(job.origin.url, "http:") ||
             StartsWithNoCase(job.origin.url, "https:"));
  CURLU* u = curl_url();
  FUZZ_CHECK(u != nullptr);
  FUZZ_CHECK(curl_url_set(u, CURLUPART_URL, job.origin.url.c_str(), CURLU_NON_SUPPORT_SCHEME) ==
             CURLUE_OK);
  curl_url_cleanup(u);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string expanded = Expand(fetchpool::fuzz::AsView(data, size));
  const std::string_view input = expanded;
  const int fd = memfd_create("fuzz-urls", MFD_CLOEXEC);
  FUZZ_CHECK(fd >= 0);
  for (std::size_t done = 0; done < input.size();) {
    const ssize_t n = ::write(fd, input.data() + done, input.size() - done);
    FUZZ_CHECK(n > 0);
    done += static_cast<std::size_t>(n);
  }
  std::vector<fetchpool::Job> jobs;
  const fetchpool::InputOptions options{.files = {"/proc/self/fd/" + std::to_string(fd)}};
  const auto outcome = fetchpool::ReadUrls(options,
                                           {.submit =
                                                [&jobs](fetchpool::Job job) {
                                                  fetchpool::ValidateJob(job);
                                                  jobs.push_back(std::move(job));
                                                  return true;
                                                }},
                                           std::stop_token{});
  ::close(fd);
  FUZZ_CHECK(outcome.error.ok());

  const std::vector<Expected> expected = Model(input);
  FUZZ_CHECK(outcome.urls == expected.size());
  FUZZ_CHECK(jobs.size() == expected.size());
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Expected& want = expected[i];
    const fetchpool::Job& job = jobs[i];
    FUZZ_CHECK(job.origin.seq == seq++);
    FUZZ_CHECK(job.origin.line == want.line);
    FUZZ_CHECK(job.target.invalid == want.invalid);
    // A password in the URL is redacted in everything a job shows (the request keeps it).
    FUZZ_CHECK(job.origin.url == fetchpool::RedactUrl(want.url));
    CheckJob(job);
  }
  return 0;
}
