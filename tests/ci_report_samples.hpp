// Sample results and a report-file fixture shared by the CI report sink tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fetchpool/output/report.hpp"
#include "fetchpool/output/result_sink.hpp"
#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

namespace fetchpool {

using namespace std::chrono_literals;
using testing::ReadFile;  // support/temp_dir.hpp

inline const std::string kHostileUrl = std::string(
    "http://h/a|b`c`<script>x</script>*e*_f_~~g~~[l](javascript:x)\\$m$@n#1:smile:,%0A::w\x1b"
    "\xff www.evil.example");

inline Result Failure(std::string url, ErrorKind kind, std::string error, std::uint64_t line = 1,
                      std::string_view input = "urls.txt") {
  Result r;
  r.origin.url = std::move(url);
  r.origin.input = input;
  r.origin.line = line;
  r.verdict.error_kind = kind;
  r.verdict.error = std::move(error);
  r.transfer.elapsed = 5ms;
  if (kind == ErrorKind::kHttpStatus) r.transfer.http_status = std::stol(r.verdict.error.substr(5));
  return r;
}

inline Result Ok(std::string url, std::chrono::microseconds elapsed, std::uint64_t seq = 0) {
  Result r;
  r.origin.url = std::move(url);
  r.verdict.ok = true;
  r.origin.input = "urls.txt";
  r.origin.line = seq + 1;
  r.origin.seq = seq;
  r.transfer.elapsed = elapsed;
  return r;
}

inline std::string Visible(std::string_view text) {
  std::string out;
  AppendEscaped(out, text);
  return out;
}

// A fresh directory for report files.
class ReportFileTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return dir_ / name; }
  std::size_t FilesInDir() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_.path())) ++n;
    return n;
  }
  testing::TempDir dir_;
};

// Four findings (a failure with ./, a hostile URL, a warning in a file with a space, stdin),
// an ok and an aborted result.
inline std::vector<Result> Findings() {
  std::vector<Result> results;
  results.push_back(Failure("http://h/404", ErrorKind::kHttpStatus, "HTTP 404", 3, "./urls.txt"));
  results.push_back(Failure(kHostileUrl, ErrorKind::kTimeout, "timed out after 1s", 4));
  Result warned = Failure("http://h/403", ErrorKind::kHttpStatus, "HTTP 403", 5, "my urls.txt");
  warned.verdict.warning = true;
  results.push_back(warned);
  results.push_back(
      Failure("http://h/refused", ErrorKind::kConnect, "connection refused", 6, kStdinName));
  results.push_back(Ok("http://h/ok", 1ms));
  results.push_back(Failure("http://h/aborted", ErrorKind::kAborted, "aborted"));
  return results;
}

inline Status WriteReport(ResultSink& sink, const std::vector<Result>& results, bool interrupted) {
  for (const Result& r : results) sink.Add(r);
  Summary s;
  s.total = 5;
  s.failed = 3;
  s.warned = 1;
  s.ok = 1;
  LatencyStats latency;
  return sink.Finish({.summary = s, .latency = latency, .interrupted = interrupted});
}

}  // namespace fetchpool
