#include "fetchpool/output/csv_sink.hpp"

#include <fmt/format.h>

#include <iterator>
#include <type_traits>

#include "fetchpool/output/host_stats_format.hpp"
#include "fetchpool/output/result_columns.hpp"

namespace fetchpool {

void AppendCsvField(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

CsvSink::CsvSink(SinkBuffers& buffers, std::optional<TermStyle> stats)
    : buffers_(buffers), stats_(stats) {
  bool first = true;
  for (const ResultColumn& column : ResultColumns()) {
    if (!first) buffers_.out += ',';
    buffers_.out += column.name;
    first = false;
  }
  buffers_.out += "\r\n";
}

void CsvSink::Add(const Result& result) {
  std::string& out = buffers_.out;
  bool first = true;
  for (const ResultColumn& column : ResultColumns()) {
    if (!first) out += ',';
    first = false;
    std::visit(
        [&out](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::nullptr_t>) {
            // an empty field
          } else if constexpr (std::is_same_v<V, bool>) {
            out += v ? "true" : "false";
          } else if constexpr (std::is_same_v<V, double>) {
            fmt::format_to(std::back_inserter(out), "{:.3f}", v);
          } else if constexpr (std::is_same_v<V, std::string_view> ||
                               std::is_same_v<V, std::string>) {
            AppendCsvField(out, v);
          } else {
            fmt::format_to(std::back_inserter(out), "{}", v);
          }
        },
        column.value(result));
  }
  out += "\r\n";
}

void CsvSink::AddHostStats(const std::vector<HostStatsRow>& rows) {
  AppendHostStatsCsv(rows, buffers_.err);
}

Status CsvSink::Finish(const RunTotals& totals) {
  if (stats_) buffers_.err += FormatStats(totals.stats, *stats_);
  buffers_.err += FormatSummary(totals.summary);
  return Status::Ok();
}

}  // namespace fetchpool
