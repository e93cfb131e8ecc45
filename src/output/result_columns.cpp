#include "fetchpool/output/result_columns.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include "column_cells.hpp"
#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/util/utc_time.hpp"

namespace fetchpool {
namespace {

using namespace column_cells;

ColumnValue TextOrNull(const std::string& s) {
  return s.empty() ? ColumnValue(nullptr) : ColumnValue(std::string_view(s));
}

ColumnValue Ms3(double ms) { return std::round(ms * 1000.0) / 1000.0; }

ColumnValue NameOrNull(const char* name) {
  if (name == nullptr || *name == '\0') return nullptr;
  return std::string_view(name);
}

// The certificate's fields, null for plain http (and when no response came).
template <typename F>
ColumnValue Cert(const Result& r, F field) {
  const CertificateFacts* c = r.transfer.certificate.get();
  return c == nullptr ? ColumnValue(nullptr) : field(*c);
}

ColumnValue DaysLeftNow(std::chrono::system_clock::time_point t) {
  return static_cast<std::int64_t>(DaysLeft(t, std::chrono::system_clock::now()));
}

// The certificate a record's cert_* cells are read into, made by the first of them.
CertificateFacts& CertBeingRead(ReadResult& o) {
  if (!o.certificate) o.certificate = std::make_shared<CertificateFacts>();
  return *o.certificate;
}

bool ReadCertText(const ColumnValue& v, ReadResult& o, std::string CertificateFacts::*field) {
  if (std::holds_alternative<std::nullptr_t>(v)) return true;
  return SetText(v, CertBeingRead(o).*field);
}

// An expiry as IsoUtc wrote it, kept as text and as a time.
template <typename Time>
bool ReadExpiry(const ColumnValue& v, ReadResult& o, std::string CertificateFacts::*text,
                Time CertificateFacts::*when) {
  if (std::holds_alternative<std::nullptr_t>(v)) return true;
  const auto* s = std::get_if<std::string_view>(&v);
  const std::optional<std::chrono::system_clock::time_point> t =
      s != nullptr ? ParseIsoUtc(*s) : std::nullopt;
  if (!t) return false;
  CertificateFacts& c = CertBeingRead(o);
  c.*text = *s;
  c.*when = *t;
  return true;
}

// Days left are worked out from the expiry whenever they are written: only the type is checked.
bool ReadDaysLeft(const ColumnValue& v, ReadResult&) {
  return std::holds_alternative<std::nullptr_t>(v) || Signed(v).has_value();
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

bool ReadAddressNumber(const ColumnValue& v, std::uint16_t& field) {
  if (std::holds_alternative<std::nullptr_t>(v)) {
    field = 0;
    return true;
  }
  const std::optional<std::uint64_t> n = Unsigned(v);
  if (!n || *n > std::numeric_limits<std::uint16_t>::max()) return false;
  field = static_cast<std::uint16_t>(*n);
  return true;
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
                   // Refused beyond what microseconds can hold (the fuzzer's 1.4e17 ms).
                   constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 1000;
                   const std::optional<std::int64_t> ms = Signed(v);
                   if (!ms || *ms > kMax || *ms < -kMax) return false;
                   if (o.result.transfer.elapsed.count() / 1000 != *ms) {
                     o.result.transfer.elapsed = std::chrono::milliseconds(*ms);
                   }
                   return true;
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
    // --each-address: the address the result stands for, whatever a redirect then reached.
    ResultColumn{
        "ip",
        [](const Result& r) {
          return TextOrNull(r.origin.address.empty() ? r.transfer.ip : r.origin.address);
        },
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
    // The https answer's certificate (null for plain http). Read back into ReadResult's
    // certificate, which CompleteRead keeps when it has an expiry.
    ResultColumn{"cert_expires",
                 [](const Result& r) {
                   return Cert(r, [](const CertificateFacts& c) { return TextOrNull(c.expires); });
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return ReadExpiry(v, o, &CertificateFacts::expires, &CertificateFacts::not_after);
                 }},
    // Days left as of the writing; a merge counts them again from cert_expires.
    ResultColumn{"cert_days_left",
                 [](const Result& r) {
                   return Cert(r,
                               [](const CertificateFacts& c) { return DaysLeftNow(c.not_after); });
                 },
                 ReadDaysLeft},
    ResultColumn{"cert_subject",
                 [](const Result& r) {
                   return Cert(r, [](const CertificateFacts& c) { return TextOrNull(c.subject); });
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return ReadCertText(v, o, &CertificateFacts::subject);
                 }},
    ResultColumn{"cert_issuer",
                 [](const Result& r) {
                   return Cert(r, [](const CertificateFacts& c) { return TextOrNull(c.issuer); });
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return ReadCertText(v, o, &CertificateFacts::issuer);
                 }},
    // Only when a certificate the server sent besides the leaf expires before it.
    ResultColumn{"cert_chain_expires",
                 [](const Result& r) {
                   return Cert(
                       r, [](const CertificateFacts& c) { return TextOrNull(c.chain_expires); });
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return ReadExpiry(v, o, &CertificateFacts::chain_expires,
                                     &CertificateFacts::chain_not_after);
                 }},
    ResultColumn{"cert_chain_days_left",
                 [](const Result& r) {
                   return Cert(r, [](const CertificateFacts& c) -> ColumnValue {
                     if (!c.chain_not_after) return nullptr;
                     return DaysLeftNow(*c.chain_not_after);
                   });
                 },
                 ReadDaysLeft},
    ResultColumn{"cert_chain_subject",
                 [](const Result& r) {
                   return Cert(
                       r, [](const CertificateFacts& c) { return TextOrNull(c.chain_subject); });
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return ReadCertText(v, o, &CertificateFacts::chain_subject);
                 }},
    // Tells certificates apart (hex SHA-256 of the leaf), so a merge lists each once.
    ResultColumn{"cert_sha256",
                 [](const Result& r) {
                   return Cert(r, [](const CertificateFacts& c) { return TextOrNull(c.sha256); });
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return ReadCertText(v, o, &CertificateFacts::sha256);
                 }},
    // --each-address: which of how many addresses of its name the result stands for (`ip`);
    // null without the flag, and for a URL whose name did not resolve.
    ResultColumn{"address_index",
                 [](const Result& r) -> ColumnValue {
                   if (r.origin.address_count == 0) return nullptr;
                   return std::uint64_t{r.origin.address_index};
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return ReadAddressNumber(v, o.result.origin.address_index);
                 }},
    ResultColumn{"address_count",
                 [](const Result& r) -> ColumnValue {
                   if (r.origin.address_count == 0) return nullptr;
                   return std::uint64_t{r.origin.address_count};
                 },
                 [](const ColumnValue& v, ReadResult& o) {
                   return ReadAddressNumber(v, o.result.origin.address_count);
                 }},
};

}  // namespace

std::span<const ResultColumn> ResultColumns() { return kColumns; }

void CompleteRead(ReadResult& out) {
  // A certificate is known by its expiry: cells without one describe none.
  if (out.certificate && !out.certificate->expires.empty()) {
    out.result.transfer.certificate = std::move(out.certificate);
  }
  out.certificate.reset();
  Origin& origin = out.result.origin;
  if (origin.address_count > 0) {
    origin.address = out.result.transfer.ip;  // what `ip` wrote: the result's address
  } else {
    origin.address_index = 0;
  }
}

}  // namespace fetchpool
