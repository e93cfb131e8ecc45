#include "fetchpool/reports/codequality_sink.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fetchpool/reports/report_rules.hpp"

namespace fetchpool {
namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json Issue(std::string description, std::string_view check, std::string fingerprint,
           std::string_view severity, std::string_view path, std::uint64_t line) {
  return {{"description", std::move(description)},
          {"check_name", check},
          {"fingerprint", std::move(fingerprint)},
          {"severity", severity},
          {"location", {{"path", path}, {"lines", {{"begin", std::max<std::uint64_t>(line, 1)}}}}}};
}

}  // namespace

Status CodeQualitySink::Create(const std::string& path, std::vector<std::string> inputs,
                               std::unique_ptr<ResultSink>* out) {
  std::unique_ptr<StitchedFile> file;
  if (Status s = StitchedFile::Create(path, "Code Quality report", &file); !s.ok()) return s;
  out->reset(new CodeQualitySink(std::move(file), std::move(inputs)));
  return Status::Ok();
}

void CodeQualitySink::AppendIssue(const std::string& issue) {
  file_->Append((any_ ? ",\n" : "\n") + issue);
  any_ = true;
}

void CodeQualitySink::Add(const Result& r) {
  if (r.verdict.ok || r.verdict.error_kind == ErrorKind::kAborted) return;
  if (!certificates_.Reports(r)) return;
  AppendIssue(Dump(
      Issue(FindingMessage(r), RuleFor(r.verdict.error_kind).id,
            FindingFingerprint(r.origin.input, FindingSubject(r), r.verdict.error_kind),
            r.verdict.warning ? "minor" : "major", ReportPath(r.origin.input), r.origin.line)));
}

Status CodeQualitySink::Finish(const RunTotals& totals) {
  if (totals.interrupted) {
    const std::string_view first = inputs_.empty() ? kStdinName : std::string_view(inputs_[0]);
    // Fingerprinted like a finding on the first input, under a rule id no error kind has.
    std::string fingerprint = FindingFingerprint(first, "", ErrorKind::kAborted);
    AppendIssue(
        Dump(Issue("fetchpool was interrupted: this report holds only the URLs that "
                   "finished",
                   "interrupted", std::move(fingerprint), "info", ReportPath(first), 1)));
  }
  return file_->Commit("[", "\n]\n");
}

}  // namespace fetchpool
