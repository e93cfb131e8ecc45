#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/reports/change_digest.hpp"
#include "fetchpool/reports/html_sections.hpp"
#include "fetchpool/reports/html_timeline.hpp"
#include "fetchpool/reports/stitched_file.hpp"

namespace fetchpool {

// --html FILE: one self-contained HTML page (inline CSS, JS and SVG; a CSP forbids any request)
// with summary cards, the latency histogram, statuses and failure kinds, a per-worker timeline
// and sortable, searchable, filterable tables, the slow answers with a bar of their phases and
// the certificates that expire soonest; with --state what changed, with --host-stats the
// per-host table. Rows stream as JSON into the body of a
// StitchedFile (failures and warnings) and a spill file (the others); Finish writes the head
// with the charts and renames the page into place. Above kFullTableLimit URLs only the failures,
// the warnings and the kSlowestKept slowest others are kept, and the page says so.
// Thread-compatible: owned by the printer.
class HtmlSink final : public ResultSink {
 public:
  static constexpr std::uint64_t kFullTableLimit = 10'000;
  static constexpr std::size_t kSlowestKept = 1'000;
  static constexpr std::size_t kMaxChangeRows = 1'000;  // of each kind
  static constexpr std::size_t kMaxHostRows = 1'000;
  static constexpr std::size_t kMaxSlowRows = 100;  // answers --slow flagged, with phase bars
  static constexpr std::size_t kMaxCertificateRows = CertificateDigest::kKept;

  // Fails (before anything is fetched) when the report cannot be created. `workers` is shown.
  static Status Create(const std::string& path, int workers, std::unique_ptr<ResultSink>* out);
  ~HtmlSink() override;

  void Add(const Result& result) override;
  Status Finish(const RunTotals& totals) override;

 private:
  struct Kept {
    std::chrono::microseconds elapsed;
    std::string row;
  };
  HtmlSink(std::unique_ptr<StitchedFile> file, std::FILE* spill, int workers);
  void KeepIfSlow(std::chrono::microseconds elapsed, std::string row);
  // --slow: the answer it flagged, kept among the kMaxSlowRows slowest.
  void KeepFlagged(const Result& result);

  std::unique_ptr<StitchedFile> file_;
  std::FILE* spill_;  // ok rows while the table is still complete
  int workers_;
  std::uint64_t urls_ = 0;
  std::uint64_t problems_ = 0;
  std::vector<Kept> slowest_;        // min-heap on elapsed, the slowest ok rows
  std::vector<SlowAnswer> flagged_;  // min-heap on took
  std::uint64_t flagged_count_ = 0;
  HtmlTimeline timeline_;
  ChangeDigest changes_{kMaxChangeRows};
};

// One row of the report's data as a JSON array, safe inside <script>: '<', '>' and '&' are
// \u-escaped (so "</script>" cannot end the element) and everything non-ASCII too; invalid UTF-8
// becomes U+FFFD.
std::string HtmlRowJson(const Result& result);

// The page template (share/report.html, embedded at build time).
std::string_view HtmlTemplate();

}  // namespace fetchpool
