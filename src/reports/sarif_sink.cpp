#include "fetchpool/reports/sarif_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/reports/report_rules.hpp"
#include "fetchpool/version.hpp"

namespace fetchpool {
namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json Location(const Result& r) {
  const std::string_view path = ReportPath(r.origin.input);
  Json artifact = {{"uri", SarifArtifactUri(path)}};
  if (!path.starts_with('/')) artifact["uriBaseId"] = "%SRCROOT%";
  Json physical = {{"artifactLocation", std::move(artifact)}};
  if (r.origin.line > 0) {
    physical["region"] = {{"startLine", r.origin.line}};
    if (r.origin.column > 0)
      physical["region"]["startColumn"] = r.origin.column;  // code points: see the run
  }
  return {{"physicalLocation", std::move(physical)}};
}

Json Rule(ErrorKind kind) {
  const ReportRule& rule = RuleFor(kind);
  const std::string description(rule.description);
  return {{"id", rule.id},
          {"name", rule.name},
          {"shortDescription", {{"text", description}}},
          {"fullDescription",
           {{"text", description + " (fetchpool error kind " + ErrorKindName(kind) + ")"}}},
          {"defaultConfiguration", {{"level", "error"}}}};
}

}  // namespace

std::string SarifArtifactUri(std::string_view path) {
  std::string out = path.starts_with('/') ? "file://" : "";
  for (unsigned char c : path) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Status SarifSink::Create(const std::string& path, std::unique_ptr<ResultSink>* out) {
  std::unique_ptr<StitchedFile> file;
  if (Status s = StitchedFile::Create(path, "SARIF report", &file); !s.ok()) return s;
  out->reset(new SarifSink(std::move(file)));
  return Status::Ok();
}

std::size_t SarifSink::RuleIndex(ErrorKind kind) {
  const auto it = std::find(rules_.begin(), rules_.end(), kind);
  if (it != rules_.end()) return static_cast<std::size_t>(it - rules_.begin());
  rules_.push_back(kind);
  return rules_.size() - 1;
}

void SarifSink::Add(const Result& r) {
  if (r.verdict.ok || r.verdict.error_kind == ErrorKind::kAborted) return;
  if (!certificates_.Reports(r)) return;
  Json properties = {
      {"url", r.origin.url}, {"file", r.origin.input}, {"attempts", r.transfer.attempts}};
  if (r.transfer.http_status > 0) properties["httpStatus"] = r.transfer.http_status;
  if (r.duplicate_of) {
    const Duplicate& d = *r.duplicate_of;
    properties["duplicateOf"] = FormatOrigin(d.input, d.line, d.column);
  }
  if (r.origin.in_baseline) properties["inBaseline"] = true;
  if (!r.verdict.blocked_by.empty()) properties["blockedBy"] = r.verdict.blocked_by;
  if (r.verdict.relocation == Relocation::kMoved) properties["movedTo"] = r.verdict.moved_to;
  Json result = {
      {"ruleId", RuleFor(r.verdict.error_kind).id},
      {"ruleIndex", RuleIndex(r.verdict.error_kind)},
      {"level", r.verdict.warning ? "warning" : "error"},
      {"message", {{"text", FindingMessage(r)}}},
      {"locations", Json::array({Location(r)})},
      {"partialFingerprints",
       {{"fetchpoolFinding/v1",
         FindingFingerprint(r.origin.input, FindingSubject(r), r.verdict.error_kind)}}},
      {"properties", std::move(properties)},
  };
  file_->Append((any_ ? ",\n" : "\n") + Dump(result));
  any_ = true;
}

Status SarifSink::Finish(const RunTotals& totals) {
  Json rules = Json::array();
  for (ErrorKind kind : rules_) rules.push_back(Rule(kind));
  Json invocation = {{"executionSuccessful", !totals.interrupted}};
  if (totals.interrupted) {
    invocation["toolExecutionNotifications"] = Json::array(
        {{{"level", "warning"},
          {"message",
           {{"text", "fetchpool was interrupted: this log holds only the URLs that finished"}}}}});
  }
  const Summary& s = totals.summary;
  const Json run = {
      {"tool",
       {{"driver",
         {{"name", "fetchpool"},
          {"semanticVersion", kVersion},
          {"version", kVersion},
          {"rules", std::move(rules)}}}}},
      {"invocations", Json::array({std::move(invocation)})},
      // Columns count characters (ColumnOf), not UTF-16 code units, SARIF's default.
      {"columnKind", "unicodeCodePoints"},
      {"properties",
       {{"interrupted", totals.interrupted},
        {"total", s.total},
        {"ok", s.ok},
        {"failed", s.failed},
        {"warned", s.warned},
        {"aborted", s.aborted}}},
  };
  std::string head = Dump(run);
  head.pop_back();  // the run object stays open for its results
  head =
      "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
      "\"runs\":[" +
      head + ",\"results\":[";
  return file_->Commit(head, "\n]}]}\n");
}

}  // namespace fetchpool
