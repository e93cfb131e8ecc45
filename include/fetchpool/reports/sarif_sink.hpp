#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/reports/report_rules.hpp"
#include "fetchpool/reports/stitched_file.hpp"

namespace fetchpool {

// --sarif FILE: a SARIF 2.1.0 log for code scanning (github/codeql-action/upload-sarif). One
// result per failed or warned URL: level error or warning, ruleId the error kind's rule
// (report_rules.hpp, each used rule described in tool.driver.rules), message "URL: reason", the
// input file and line as its location, and a partialFingerprints entry that stays the same
// across runs. Results stream to a temporary file; the head (tool, rules, invocation) is
// written at the end, and an interrupted run says so in the invocation.
// Thread-compatible: owned by the printer.
class SarifSink final : public ResultSink {
 public:
  // Fails (before anything is fetched) when the report file cannot be created.
  static Status Create(const std::string& path, std::unique_ptr<ResultSink>* out);

  void Add(const Result& result) override;
  Status Finish(const RunTotals& totals) override;

 private:
  explicit SarifSink(std::unique_ptr<StitchedFile> file) : file_(std::move(file)) {}
  std::size_t RuleIndex(ErrorKind kind);

  std::unique_ptr<StitchedFile> file_;
  CertificateFindings certificates_;
  std::vector<ErrorKind> rules_;  // in order of first use: a result's ruleIndex
  bool any_ = false;
};

// A file name as a SARIF artifact URI: a relative reference with everything but unreserved
// characters and '/' percent-encoded ("my urls.txt" -> "my%20urls.txt"); an absolute path
// becomes a file:// URI.
std::string SarifArtifactUri(std::string_view path);

}  // namespace fetchpool
