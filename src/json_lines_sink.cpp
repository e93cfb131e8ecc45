#include "fetchpool/json_lines_sink.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "fetchpool/result_columns.hpp"

namespace fetchpool {
namespace {

using Json = nlohmann::ordered_json;

void AppendJson(std::string& out, const Json& j) {
  out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
  out += '\n';
}

Json ToJson(const ColumnValue& value) {
  return std::visit(
      [](const auto& v) -> Json {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::nullptr_t>) {
          return nullptr;
        } else if constexpr (std::is_same_v<V, std::string_view>) {
          return std::string(v);
        } else {
          return v;
        }
      },
      value);
}

double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

}  // namespace

void JsonLinesSink::Add(const Result& result) {
  Json j = {{"type", "result"}};
  for (const ResultColumn& column : ResultColumns()) j[column.name] = ToJson(column.value(result));
  AppendJson(buffers_.out, j);
}

Status JsonLinesSink::Finish(const RunTotals& totals) {
  const Summary& s = totals.summary;
  const LatencyStats& latency = totals.latency;
  Json summary = {
      {"type", "summary"},
      {"total", s.total},
      {"ok", s.ok},
      {"failed", s.failed},
      {"warned", s.warned},
      {"retries", s.retries},
      {"elapsed_s", Round3(s.elapsed_s)},
      {"p50_ms", Round3(latency.PercentileMs(0.50))},
      {"p90_ms", Round3(latency.PercentileMs(0.90))},
      {"p99_ms", Round3(latency.PercentileMs(0.99))},
      {"max_ms", Round3(latency.MaxMs())},
  };
  if (s.show_changes) {
    summary["new_failures"] = s.new_failures;
    summary["recovered"] = s.recovered;
  }
  AppendJson(buffers_.out, summary);
  return Status::Ok();
}

}  // namespace fetchpool
