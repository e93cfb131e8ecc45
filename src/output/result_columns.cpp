#include "fetchpool/output/result_columns.hpp"

#include <array>
#include <cmath>

#include "fetchpool/core/error_kinds.hpp"

namespace fetchpool {
namespace {

ColumnValue TextOrNull(const std::string& s) {
  return s.empty() ? ColumnValue(nullptr) : ColumnValue(std::string_view(s));
}

ColumnValue Ms3(double ms) { return std::round(ms * 1000.0) / 1000.0; }

constexpr std::array kColumns = {
    ResultColumn{"index", [](const Result& r) -> ColumnValue { return r.origin.line; }},
    ResultColumn{"url",
                 [](const Result& r) -> ColumnValue { return std::string_view(r.origin.url); }},
    ResultColumn{"ok", [](const Result& r) -> ColumnValue { return r.verdict.ok; }},
    ResultColumn{"status",
                 [](const Result& r) -> ColumnValue {
                   if (r.transfer.http_status <= 0) return nullptr;
                   return static_cast<std::int64_t>(r.transfer.http_status);
                 }},
    ResultColumn{"bytes", [](const Result& r) -> ColumnValue { return r.transfer.bytes; }},
    ResultColumn{"ms",
                 [](const Result& r) -> ColumnValue {
                   return static_cast<std::int64_t>(r.transfer.elapsed.count() / 1000);
                 }},
    ResultColumn{"attempts",
                 [](const Result& r) -> ColumnValue { return std::int64_t{r.transfer.attempts}; }},
    ResultColumn{"error", [](const Result& r) { return TextOrNull(r.verdict.error); }},
    ResultColumn{"error_kind",
                 [](const Result& r) -> ColumnValue {
                   if (r.verdict.ok) return nullptr;
                   return std::string_view(ErrorKindName(r.verdict.error_kind));
                 }},
    ResultColumn{"effective_url",
                 [](const Result& r) { return TextOrNull(r.transfer.effective_url); }},
    ResultColumn{"ip", [](const Result& r) { return TextOrNull(r.transfer.ip); }},
    ResultColumn{"dns_ms", [](const Result& r) { return Ms3(r.transfer.timings.dns_ms); }},
    ResultColumn{"connect_ms", [](const Result& r) { return Ms3(r.transfer.timings.connect_ms); }},
    ResultColumn{"tls_ms", [](const Result& r) { return Ms3(r.transfer.timings.tls_ms); }},
    ResultColumn{"first_byte_ms",
                 [](const Result& r) { return Ms3(r.transfer.timings.first_byte_ms); }},
    ResultColumn{"total_ms", [](const Result& r) { return Ms3(r.transfer.timings.total_ms); }},
    ResultColumn{"saved_to", [](const Result& r) { return TextOrNull(r.saved.path); }},
    ResultColumn{"skipped", [](const Result& r) -> ColumnValue { return r.saved.skipped; }},
    ResultColumn{"warning", [](const Result& r) -> ColumnValue { return r.verdict.warning; }},
    // Last, so CSV readers that go by position keep working; "-" for stdin.
    ResultColumn{"file", [](const Result& r) -> ColumnValue { return r.origin.input; }},
    ResultColumn{"cached", [](const Result& r) -> ColumnValue { return r.state.cached; }},
    ResultColumn{"change",
                 [](const Result& r) -> ColumnValue {
                   const char* name = ChangeName(r.state.change);
                   if (name == nullptr) return nullptr;
                   return std::string_view(name);
                 }},
    ResultColumn{"blocked_by",
                 [](const Result& r) -> ColumnValue {
                   if (r.verdict.blocked_by.empty()) return nullptr;
                   return r.verdict.blocked_by;
                 }},
    ResultColumn{"moved_to",
                 [](const Result& r) -> ColumnValue {
                   if (r.verdict.relocation != Relocation::kMoved) return nullptr;
                   return std::string_view(r.verdict.moved_to);
                 }},
    ResultColumn{"upgraded_to",
                 [](const Result& r) -> ColumnValue {
                   if (r.verdict.relocation != Relocation::kUpgraded) return nullptr;
                   return std::string_view(r.verdict.moved_to);
                 }},
};

}  // namespace

std::span<const ResultColumn> ResultColumns() { return kColumns; }

}  // namespace fetchpool
