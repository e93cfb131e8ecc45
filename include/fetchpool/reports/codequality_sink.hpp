#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/reports/report_rules.hpp"
#include "fetchpool/reports/stitched_file.hpp"

namespace fetchpool {

// --codequality FILE: a GitLab Code Quality report (artifacts:reports:codequality), one issue
// per failed (severity major) or warned (minor) URL: description "URL: reason", check_name the
// error kind's rule id, location.path + lines.begin the input file and line, and a fingerprint
// that stays the same across runs (report_rules.hpp). The format has no room for run
// metadata, so an interrupted run adds one "info" issue, check_name "interrupted", that says so.
// Issues stream to a temporary file.
// Thread-compatible: owned by the printer.
class CodeQualitySink final : public ResultSink {
 public:
  // `inputs` as on the command line (empty: stdin); the interrupted issue points at the first.
  static Status Create(const std::string& path, std::vector<std::string> inputs,
                       std::unique_ptr<ResultSink>* out);

  void Add(const Result& result) override;
  Status Finish(const RunTotals& totals) override;

 private:
  CodeQualitySink(std::unique_ptr<StitchedFile> file, std::vector<std::string> inputs)
      : file_(std::move(file)), inputs_(std::move(inputs)) {}
  void AppendIssue(const std::string& issue);

  std::unique_ptr<StitchedFile> file_;
  CertificateFindings certificates_;
  std::vector<std::string> inputs_;
  bool any_ = false;
};

}  // namespace fetchpool
