#include "fetchpool/output/host_stats_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "fetchpool/output/report.hpp"

namespace fetchpool {
namespace {

using Json = nlohmann::ordered_json;

double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

std::string Ms(double ms) { return fmt::format("{:.1f}ms", ms); }

void AppendText(const std::vector<HostStatsRow>& rows, std::string& out) {
  constexpr std::array<const char*, 9> kHeads = {"REQUESTS", "OK",  "FAILED", "429",  "503",
                                                 "PAUSED",   "P50", "P95",    "BYTES"};
  std::vector<std::string> hosts;
  std::vector<std::array<std::string, 9>> cells;
  std::size_t host_width = 4;
  std::array<std::size_t, 9> widths{};
  for (std::size_t i = 0; i < kHeads.size(); ++i) widths[i] = std::string_view(kHeads[i]).size();
  for (const HostStatsRow& r : rows) {
    std::string host;
    AppendEscaped(host, r.host);
    host_width = std::max(host_width, host.size());
    hosts.push_back(std::move(host));
    cells.push_back({std::to_string(r.requests), std::to_string(r.ok), std::to_string(r.failed),
                     std::to_string(r.http_429), std::to_string(r.http_503),
                     fmt::format("{:.1f}s", r.paused_s), Ms(r.p50_ms), Ms(r.p95_ms),
                     FormatSize(r.bytes)});
    for (std::size_t i = 0; i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], cells.back()[i].size());
    }
  }
  out += fmt::format("{:<{}}", "HOST", host_width);
  for (std::size_t i = 0; i < kHeads.size(); ++i)
    out += fmt::format("  {:>{}}", kHeads[i], widths[i]);
  out += '\n';
  for (std::size_t row = 0; row < hosts.size(); ++row) {
    out += fmt::format("{:<{}}", hosts[row], host_width);
    for (std::size_t i = 0; i < widths.size(); ++i) {
      out += fmt::format("  {:>{}}", cells[row][i], widths[i]);
    }
    out += '\n';
  }
}

void AppendJsonLines(const std::vector<HostStatsRow>& rows, std::string& out) {
  for (const HostStatsRow& r : rows) {
    const Json j = {{"type", "host"},
                    {"host", r.host},
                    {"requests", r.requests},
                    {"ok", r.ok},
                    {"failed", r.failed},
                    {"http_429", r.http_429},
                    {"http_503", r.http_503},
                    {"paused_s", Round3(r.paused_s)},
                    {"p50_ms", Round3(r.p50_ms)},
                    {"p95_ms", Round3(r.p95_ms)},
                    {"bytes", r.bytes},
                    // For `fetchpool report`, which merges the shards' percentiles.
                    {"latency_us", r.latency.Buckets()},
                    {"max_us", r.latency.max_us()}};
    out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
    out += '\n';
  }
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

void AppendCsv(const std::vector<HostStatsRow>& rows, std::string& out) {
  out += "host,requests,ok,failed,http_429,http_503,paused_s,p50_ms,p95_ms,bytes\n";
  for (const HostStatsRow& r : rows) {
    out += fmt::format("{},{},{},{},{},{},{:.3f},{:.3f},{:.3f},{}\n", CsvField(r.host), r.requests,
                       r.ok, r.failed, r.http_429, r.http_503, r.paused_s, r.p50_ms, r.p95_ms,
                       r.bytes);
  }
}

}  // namespace

void AppendHostStatsText(const std::vector<HostStatsRow>& rows, std::string& out) {
  AppendText(rows, out);
}

void AppendHostStatsJsonLines(const std::vector<HostStatsRow>& rows, std::string& out) {
  AppendJsonLines(rows, out);
}

void AppendHostStatsCsv(const std::vector<HostStatsRow>& rows, std::string& out) {
  AppendCsv(rows, out);
}

}  // namespace fetchpool
