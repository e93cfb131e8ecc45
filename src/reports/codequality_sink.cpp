#include "fetchpool/reports/codequality_sink.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fetchpool/reports/report_rules.hpp"

namespace fetchpool {
namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// GitLab reads a line (location.lines.begin) or a position (location.positions.begin.line and
// .column): a URL found within a line has a column, so it gets the position.
Json Issue(std::string description, std::string_view check, std::string fingerprint,
           std::string_view severity, std::string_view path, std::uint64_t line,
           std::uint32_t column = 0) {
  const std::uint64_t begin = std::max<std::uint64_t>(line, 1);
  Json location = {{"path", path}};
  if (column > 0) {
    location["positions"] = {{"begin", {{"line", begin}, {"column", column}}}};
  } else {
    location["lines"] = {{"begin", begin}};
  }
  return {{"description", std::move(description)},
          {"check_name", check},
          {"fingerprint", std::move(fingerprint)},
          {"severity", severity},
          {"location", std::move(location)}};
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
  AppendIssue(
      Dump(Issue(FindingMessage(r), RuleFor(r.verdict.error_kind).id,
                 FindingFingerprint(r.origin.input, FindingSubject(r), r.verdict.error_kind),
                 r.verdict.warning ? "minor" : "major", ReportPath(r.origin.input), r.origin.line,
                 r.origin.column)));
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
