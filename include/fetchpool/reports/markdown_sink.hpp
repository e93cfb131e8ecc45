#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/reports/change_digest.hpp"
#include "fetchpool/reports/slowest_urls.hpp"
#include "fetchpool/reports/stitched_file.hpp"

namespace fetchpool {

// --markdown FILE: a GitHub-flavoured Markdown report for a job summary
// (cat FILE >> "$GITHUB_STEP_SUMMARY"): the counts, a table of failures, then one of warnings
// (a redirected URL's reason says where its redirects led), the links that moved and where to,
// with --state what changed since the last run, the latency percentiles, the slowest URLs and the
// certificates that expire soonest.
// Failure rows stream to a temporary file; past kMaxRows rows of either table a line says how many
// more there are, so the report (and the warning rows kept for the end) stay bounded. Every cell is
// escaped (markdown_text.hpp). Thread-compatible: owned by the printer.
class MarkdownSink final : public ResultSink {
 public:
  static constexpr std::uint64_t kMaxRows = 1000;
  static constexpr std::size_t kSlowest = 10;
  static constexpr std::size_t kCertificates = 10;

  // Fails (before anything is fetched) when the report file cannot be created.
  static Status Create(const std::string& path, std::unique_ptr<ResultSink>* out);

  void Add(const Result& result) override;
  Status Finish(const RunTotals& totals) override;

 private:
  explicit MarkdownSink(std::unique_ptr<StitchedFile> file)
      : file_(std::move(file)), slowest_(kSlowest), changes_(kMaxRows) {}
  std::string Head(const RunTotals& totals) const;
  std::string Tail(const RunTotals& totals) const;

  std::unique_ptr<StitchedFile> file_;  // the failure rows
  std::uint64_t failures_ = 0;
  std::uint64_t warnings_ = 0;
  std::string warning_rows_;  // at most kMaxRows rows of capped cells
  std::uint64_t moved_ = 0;
  std::uint64_t upgraded_ = 0;
  std::string moved_rows_;  // at most kMaxRows
  SlowestUrls slowest_;
  ChangeDigest changes_;
};

// One table cell's text: control bytes and malformed UTF-8 as visible \xNN (as on the text
// lines), cut to `max_bytes` on a character boundary (with "…"), and every character Markdown,
// GitHub or HTML could act on (| ` \ * _ ~ [ ] < > & $ @ # : and the w of "www.") as a character
// reference, so a hostile URL or server reason can neither break the table nor add markup,
// links (but for e-mail addresses) or HTML. It renders as the text itself.
std::string MarkdownCell(std::string_view text, std::size_t max_bytes = 300);

}  // namespace fetchpool
