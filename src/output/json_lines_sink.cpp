#include "fetchpool/output/json_lines_sink.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "fetchpool/output/host_stats_format.hpp"
#include "fetchpool/output/result_columns.hpp"
#include "fetchpool/output/run_records.hpp"

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

// --stats' fixed buckets: [{"le_ms":1,"count":N}, ..., {"le_ms":null,"count":N}] (the last one
// holds everything slower than 60 s).
Json LatencyBuckets(const RunStats& stats) {
  Json buckets = Json::array();
  for (std::size_t i = 0; i < RunStats::kBuckets; ++i) {
    const Json le = i < RunStats::kBucketMs.size() ? Json(RunStats::kBucketMs[i]) : Json(nullptr);
    buckets.push_back({{"le_ms", le}, {"count", stats.buckets()[i]}});
  }
  return buckets;
}

}  // namespace

JsonLinesSink::JsonLinesSink(SinkBuffers& buffers, std::optional<TermStyle> stats,
                             const RunHeader* run)
    : buffers_(buffers), stats_(stats) {
  if (run != nullptr) AppendRunRecord(*run, buffers_.out);
}

void JsonLinesSink::Add(const Result& result) {
  ++results_;
  Json j = {{"type", "result"}};
  for (const ResultColumn& column : ResultColumns()) j[column.name] = ToJson(column.value(result));
  // The redirect chain: one object per redirect followed (not a column: CSV has no arrays).
  Json hops = Json::array();
  for (const RedirectHop& hop : result.transfer.redirects) {
    hops.push_back({{"status", hop.http_status}, {"url", hop.location}});
  }
  j["redirects"] = std::move(hops);
  AppendJson(buffers_.out, j);
}

void JsonLinesSink::AddHostStats(const std::vector<HostStatsRow>& rows) {
  AppendHostStatsJsonLines(rows, buffers_.out);
}

Status JsonLinesSink::Finish(const RunTotals& totals) {
  if (stats_) buffers_.err += FormatStats(totals.stats, *stats_);
  if (totals.end != nullptr) {
    RunEnd end = *totals.end;
    end.results = results_;
    AppendEndRecord(end, buffers_.out);
  }
  const Summary& s = totals.summary;
  const LatencyStats& latency = totals.latency;
  Json summary = {
      {"type", "summary"},
      {"total", s.total},
      {"ok", s.ok},
      {"failed", s.failed},
      {"warned", s.warned},
      {"blocked", s.blocked},
      {"moved", s.moved},
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
  if (s.show_urls) summary["urls"] = s.urls;  // --each-address: "total" counts results
  if (s.max_p95_ms) {
    summary["max_p95_ms"] = *s.max_p95_ms;
    summary["answered"] = s.answered;
    summary["answered_p95_ms"] = Round3(s.answered_p95_ms);
    summary["over_budget"] = s.over_budget;
  }
  summary["latency_buckets"] = LatencyBuckets(totals.stats);
  AppendJson(buffers_.out, summary);
  return Status::Ok();
}

}  // namespace fetchpool
