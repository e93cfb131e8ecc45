#include "fetchpool/output/run_records.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

namespace fetchpool {
namespace {

using Json = nlohmann::ordered_json;

void AppendJson(std::string& out, const Json& j) {
  out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
  out += '\n';
}

Json TextOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace

void AppendRunRecord(const RunHeader& h, std::string& out) {
  AppendJson(out, {{"type", "run"},
                   {"run", h.id},
                   {"fetchpool", h.version},
                   {"shard", h.shard},
                   {"shards", h.shards},
                   {"files", h.files},
                   {"workers", h.workers},
                   {"started", FormatUtcMs(h.started_ms)},
                   {"state", h.state}});
}

void AppendEndRecord(const RunEnd& e, std::string& out) {
  AppendJson(out, {{"type", "end"},
                   {"run", e.id},
                   {"finished", e.finished},
                   {"stopped_by", TextOrNull(e.stopped_by)},
                   {"list", TextOrNull(e.list.digest)},
                   {"list_urls", e.list.urls},
                   {"urls", e.urls},
                   {"results", e.results}});
}

std::string NewRunId() {
  std::random_device random;
  const std::uint64_t id = (std::uint64_t{random()} << 32) ^ random();
  return fmt::format("{:016x}", id);
}

std::string FormatUtcMs(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     unix_ms % 1000);
}

std::optional<std::int64_t> ParseUtcMs(std::string_view text) {
  std::tm utc{};
  int ms = 0;
  int used = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &ms, &used) != 7 ||
      static_cast<std::size_t>(used) != s.size()) {
    return std::nullopt;
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  const std::time_t seconds = timegm(&utc);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::int64_t{seconds} * 1000 + ms;
}

}  // namespace fetchpool
