#include "fetchpool/output/result_columns.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <optional>

#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/output/report.hpp"

namespace fetchpool {
namespace {

ColumnValue TextOrNull(const std::string& s) {
  return s.empty() ? ColumnValue(nullptr) : ColumnValue(std::string_view(s));
}

ColumnValue Ms3(double ms) { return std::round(ms * 1000.0) / 1000.0; }

// The reading side: JSON numbers come back as whichever of the three types fits them.
std::optional<std::uint64_t> Unsigned(const ColumnValue& v) {
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
  if (const auto* i = std::get_if<std::int64_t>(&v); i != nullptr && *i >= 0) {
    return static_cast<std::uint64_t>(*i);
  }
  return std::nullopt;
}

std::optional<std::int64_t> Signed(const ColumnValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  const std::optional<std::uint64_t> u = Unsigned(v);
  if (!u || *u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*u);
}

std::optional<int> Int(const ColumnValue& v) {
  const std::optional<std::int64_t> i = Signed(v);
  if (!i || *i > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(*i);
}

std::optional<double> Double(const ColumnValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const std::optional<std::int64_t> i = Signed(v)) return static_cast<double>(*i);
  return std::nullopt;
}

template <typename T, typename Convert>
bool Set(const ColumnValue& v, T& field, Convert convert) {
  const auto got = convert(v);
  if (got) field = static_cast<T>(*got);
  return got.has_value();
}

bool SetBool(const ColumnValue& v, bool& field) {
  const auto* b = std::get_if<bool>(&v);
  if (b != nullptr) field = *b;
  return b != nullptr;
}

// A text cell: null reads as empty, as TextOrNull writes it.
bool SetText(const ColumnValue& v, std::string& field) {
  if (std::holds_alternative<std::nullptr_t>(v)) {
    field.clear();
    return true;
  }
  const auto* s = std::get_if<std::string_view>(&v);
  if (s != nullptr) field.assign(*s);
  return s != nullptr;
}

// moved_to or upgraded_to: a URL sets the relocation and where it led; null leaves both.
bool SetRelocation(const ColumnValue& v, Relocation kind, Verdict& verdict) {
  if (std::holds_alternative<std::nullptr_t>(v)) return true;
  const auto* s = std::get_if<std::string_view>(&v);
  if (s == nullptr) return false;
  verdict.relocation = kind;
  verdict.moved_to.assign(*s);
  return true;
}

// A number that is null when absent (status, failing_since_ms).
template <typename T>
bool SetNumberOrNull(const ColumnValue& v, T& field) {
  if (std::holds_alternative<std::nullptr_t>(v)) {
    field = 0;
    return true;
  }
  return Set(v, field, Signed);
}

ColumnValue NameOrNull(const char* name) {
  if (name == nullptr || *name == '\0') return nullptr;
  return std::string_view(name);
}

constexpr std::array kColumns = {
    ResultColumn{
        "index", [](const Result& r) -> ColumnValue { return r.origin.line; },
        [](const ColumnValue& v, ReadResult& o) { return Set(v, o.result.origin.line, Unsigned); }},
    ResultColumn{
        "url", [](const Result& r) -> ColumnValue { return std::string_view(r.origin.url); },
        [](const ColumnValue& v, ReadResult& o) { return SetText(v, o.result.origin.url); }},
    ResultColumn{
        "ok", [](const Result& r) -> ColumnValue { return r.verdict.ok; },
        [](const ColumnValue& v, ReadResult& o) { return SetBool(v, o.result.verdict.ok); }},
    ResultColumn{"status",
                 [](const Result& r) -> ColumnValue {
                   if (r.transfer.http_status <= 0) return nullptr;
                   return static_cast<std::int64_t>(r.transfer.http_status);
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return SetNumberOrNull(v, o.result.transfer.http_status);
                 }},
    ResultColumn{"bytes", [](const Result& r) -> ColumnValue { return r.transfer.bytes; },
                 [](const ColumnValue& v, ReadResult& o) {
                   return Set(v, o.result.transfer.bytes, Unsigned);
                 }},
    // Whole milliseconds; elapsed_us (below) has the microseconds.
    ResultColumn{"ms",
                 [](const Result& r) -> ColumnValue {
                   return static_cast<std::int64_t>(r.transfer.elapsed.count() / 1000);
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   const std::optional<std::int64_t> ms = Signed(v);
                   if (ms && o.result.transfer.elapsed.count() / 1000 != *ms) {
                     o.result.transfer.elapsed = std::chrono::milliseconds(*ms);
                   }
                   return ms.has_value();
                 }},
    ResultColumn{"attempts",
                 [](const Result& r) -> ColumnValue { return std::int64_t{r.transfer.attempts}; },
                 [](const ColumnValue& v, ReadResult& o) {
                   return Set(v, o.result.transfer.attempts, Int);
                 }},
    ResultColumn{
        "error", [](const Result& r) { return TextOrNull(r.verdict.error); },
        [](const ColumnValue& v, ReadResult& o) { return SetText(v, o.result.verdict.error); }},
    ResultColumn{"error_kind",
                 [](const Result& r) -> ColumnValue {
                   if (r.verdict.ok) return nullptr;
                   return std::string_view(ErrorKindName(r.verdict.error_kind));
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   std::string name;
                   if (!SetText(v, name)) return false;
                   o.result.verdict.error_kind =
                       name.empty() ? ErrorKind::kNone : ErrorKindNamed(name);
                   return true;
                 }},
    ResultColumn{"effective_url",
                 [](const Result& r) { return TextOrNull(r.transfer.effective_url); },
                 [](const ColumnValue& v, ReadResult& o) {
                   return SetText(v, o.result.transfer.effective_url);
                 }},
    ResultColumn{
        "ip", [](const Result& r) { return TextOrNull(r.transfer.ip); },
        [](const ColumnValue& v, ReadResult& o) { return SetText(v, o.result.transfer.ip); }},
    ResultColumn{"dns_ms", [](const Result& r) { return Ms3(r.transfer.timings.dns_ms); },
                 [](const ColumnValue& v, ReadResult& o) {
                   return Set(v, o.result.transfer.timings.dns_ms, Double);
                 }},
    ResultColumn{"connect_ms", [](const Result& r) { return Ms3(r.transfer.timings.connect_ms); },
                 [](const ColumnValue& v, ReadResult& o) {
                   return Set(v, o.result.transfer.timings.connect_ms, Double);
                 }},
    ResultColumn{"tls_ms", [](const Result& r) { return Ms3(r.transfer.timings.tls_ms); },
                 [](const ColumnValue& v, ReadResult& o) {
                   return Set(v, o.result.transfer.timings.tls_ms, Double);
                 }},
    ResultColumn{"first_byte_ms",
                 [](const Result& r) { return Ms3(r.transfer.timings.first_byte_ms); },
                 [](const ColumnValue& v, ReadResult& o) {
                   return Set(v, o.result.transfer.timings.first_byte_ms, Double);
                 }},
    ResultColumn{"total_ms", [](const Result& r) { return Ms3(r.transfer.timings.total_ms); },
                 [](const ColumnValue& v, ReadResult& o) {
                   return Set(v, o.result.transfer.timings.total_ms, Double);
                 }},
    ResultColumn{
        "saved_to", [](const Result& r) { return TextOrNull(r.saved.path); },
        [](const ColumnValue& v, ReadResult& o) { return SetText(v, o.result.saved.path); }},
    ResultColumn{
        "skipped", [](const Result& r) -> ColumnValue { return r.saved.skipped; },
        [](const ColumnValue& v, ReadResult& o) { return SetBool(v, o.result.saved.skipped); }},
    ResultColumn{
        "warning", [](const Result& r) -> ColumnValue { return r.verdict.warning; },
        [](const ColumnValue& v, ReadResult& o) { return SetBool(v, o.result.verdict.warning); }},
    // Last of the first set, so CSV readers that go by position keep working; "-" for stdin.
    ResultColumn{"file", [](const Result& r) -> ColumnValue { return r.origin.input; },
                 [](const ColumnValue& v, ReadResult& o) { return SetText(v, o.input); }},
    ResultColumn{
        "cached", [](const Result& r) -> ColumnValue { return r.state.cached; },
        [](const ColumnValue& v, ReadResult& o) { return SetBool(v, o.result.state.cached); }},
    ResultColumn{"change", [](const Result& r) { return NameOrNull(ChangeName(r.state.change)); },
                 [](const ColumnValue& v, ReadResult& o) {
                   std::string name;
                   if (!SetText(v, name)) return false;
                   const std::optional<Change> change = ChangeNamed(name);
                   if (change) o.result.state.change = *change;
                   return change.has_value();
                 }},
    // For `fetchpool report`, so a merged run shows what a single one would: the exact time
    // (--stats buckets and percentiles) and the failure streak (--state's "failing since").
    ResultColumn{"elapsed_us",
                 [](const Result& r) -> ColumnValue {
                   return static_cast<std::int64_t>(r.transfer.elapsed.count());
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   const std::optional<std::int64_t> us = Signed(v);
                   if (us) o.result.transfer.elapsed = std::chrono::microseconds(*us);
                   return us.has_value();
                 }},
    ResultColumn{
        "fail_runs", [](const Result& r) -> ColumnValue { return std::int64_t{r.state.fail_runs}; },
        [](const ColumnValue& v, ReadResult& o) { return Set(v, o.result.state.fail_runs, Int); }},
    ResultColumn{"failing_since_ms",
                 [](const Result& r) -> ColumnValue {
                   if (r.state.failing_since_ms == 0) return nullptr;
                   return r.state.failing_since_ms;
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return SetNumberOrNull(v, o.result.state.failing_since_ms);
                 }},
    // Where the URL starts in its line (1-based, characters); null when it is the whole line.
    ResultColumn{"column",
                 [](const Result& r) -> ColumnValue {
                   if (r.origin.column == 0) return nullptr;
                   return std::uint64_t{r.origin.column};
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return SetNumberOrNull(v, o.result.origin.column);
                 }},
    // --dedup: "FILE:LINE[:COLUMN]" of the line whose fetch this result copies.
    ResultColumn{"duplicate_of",
                 [](const Result& r) -> ColumnValue {
                   if (!r.duplicate_of) return nullptr;
                   const Duplicate& d = *r.duplicate_of;
                   return FormatOrigin(d.input, d.line, d.column);
                 },
                 // `fetchpool report` shows a duplicate as the result its run wrote; which line it
                 // copied is not carried into the merged output.
                 [](const ColumnValue& v, ReadResult&) {
                   return std::holds_alternative<std::nullptr_t>(v) ||
                          std::holds_alternative<std::string_view>(v);
                 }},
    ResultColumn{"baseline", [](const Result& r) -> ColumnValue { return r.origin.in_baseline; },
                 [](const ColumnValue& v, ReadResult& o) {
                   return SetBool(v, o.result.origin.in_baseline);
                 }},
    ResultColumn{"blocked_by",
                 [](const Result& r) -> ColumnValue {
                   if (r.verdict.blocked_by.empty()) return nullptr;
                   return std::string_view(r.verdict.blocked_by);
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return SetText(v, o.result.verdict.blocked_by);
                 }},
    ResultColumn{"moved_to",
                 [](const Result& r) -> ColumnValue {
                   if (r.verdict.relocation != Relocation::kMoved) return nullptr;
                   return std::string_view(r.verdict.moved_to);
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return SetRelocation(v, Relocation::kMoved, o.result.verdict);
                 }},
    ResultColumn{"upgraded_to",
                 [](const Result& r) -> ColumnValue {
                   if (r.verdict.relocation != Relocation::kUpgraded) return nullptr;
                   return std::string_view(r.verdict.moved_to);
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return SetRelocation(v, Relocation::kUpgraded, o.result.verdict);
                 }},
};

}  // namespace

std::span<const ResultColumn> ResultColumns() { return kColumns; }

}  // namespace fetchpool
