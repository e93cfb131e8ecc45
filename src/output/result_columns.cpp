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

// The certificate's fields, null for plain http (and when no response came).
template <typename F>
ColumnValue Cert(const Result& r, F field) {
  const CertificateFacts* c = r.transfer.certificate.get();
  return c == nullptr ? ColumnValue(nullptr) : field(*c);
}

ColumnValue DaysLeftNow(std::chrono::system_clock::time_point t) {
  return static_cast<std::int64_t>(DaysLeft(t, std::chrono::system_clock::now()));
}

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
    // --each-address: the address the result stands for, whatever a redirect then reached.
    ResultColumn{"ip",
                 [](const Result& r) {
                   return TextOrNull(r.origin.address.empty() ? r.transfer.ip : r.origin.address);
                 }},
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
    ResultColumn{"cert_expires",
                 [](const Result& r) {
                   return Cert(r, [](const CertificateFacts& c) { return TextOrNull(c.expires); });
                 }},
    ResultColumn{"cert_days_left",
                 [](const Result& r) {
                   return Cert(r,
                               [](const CertificateFacts& c) { return DaysLeftNow(c.not_after); });
                 }},
    ResultColumn{"cert_subject",
                 [](const Result& r) {
                   return Cert(r, [](const CertificateFacts& c) { return TextOrNull(c.subject); });
                 }},
    ResultColumn{"cert_issuer",
                 [](const Result& r) {
                   return Cert(r, [](const CertificateFacts& c) { return TextOrNull(c.issuer); });
                 }},
    // Only when a certificate the server sent besides the leaf expires before it.
    ResultColumn{"cert_chain_expires",
                 [](const Result& r) {
                   return Cert(
                       r, [](const CertificateFacts& c) { return TextOrNull(c.chain_expires); });
                 }},
    ResultColumn{"cert_chain_days_left",
                 [](const Result& r) {
                   return Cert(r, [](const CertificateFacts& c) -> ColumnValue {
                     if (!c.chain_not_after) return nullptr;
                     return DaysLeftNow(*c.chain_not_after);
                   });
                 }},
    ResultColumn{"cert_chain_subject",
                 [](const Result& r) {
                   return Cert(
                       r, [](const CertificateFacts& c) { return TextOrNull(c.chain_subject); });
                 }},
};

}  // namespace

std::span<const ResultColumn> ResultColumns() { return kColumns; }

}  // namespace fetchpool
