#include "fetchpool/reports/html_sections.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iterator>

#include "fetchpool/output/report.hpp"
#include "fetchpool/reports/junit_sink.hpp"  // XmlEscape: HTML text needs the same
#include "fetchpool/util/utc_time.hpp"

namespace fetchpool {
namespace {

std::string Where(const ChangeDigest::Entry& e) {
  return XmlEscape(FormatOrigin(e.input, e.line, e.column));
}

// "…and 12 more" below a table cut at its cap.
void AppendMore(std::string& out, std::uint64_t count, std::size_t shown, std::string_view what) {
  if (count <= shown) return;
  fmt::format_to(std::back_inserter(out), R"(<p class="note">…and {} more {} not listed.</p>)",
                 count - shown, what);
}

std::string Ms(double ms) {
  return ms < 10 ? fmt::format("{:.1f}", ms) : fmt::format("{:.0f}", ms);
}

}  // namespace

std::string HtmlChangesSection(const ChangeDigest& changes) {
  const std::uint64_t fresh = changes.new_failure_count(), back = changes.recovered_count();
  std::string out = R"(<section id="changes"><h2>What changed since the last run</h2>)";
  fmt::format_to(std::back_inserter(out),
                 R"(<p class="note">{} new failure{}, {} recovered, {} still failing.</p>)", fresh,
                 fresh == 1 ? "" : "s", back, changes.still_failing_count());
  if (fresh > 0) {
    out +=
        R"(<h3>New failures</h3><table class="static" id="new-failures"><thead><tr><th>Input</th><th>URL</th>)"
        R"(<th>Reason</th><th>Attempts</th></tr></thead><tbody>)";
    for (const ChangeDigest::Entry& e : changes.new_failures()) {
      fmt::format_to(std::back_inserter(out),
                     R"(<tr class="fail"><td>{}</td><td class="url">{}</td><td>{}</td>)"
                     R"(<td class="num">{}</td></tr>)",
                     Where(e), XmlEscape(e.url), XmlEscape(e.reason), e.attempts);
    }
    out += "</tbody></table>";
    AppendMore(out, fresh, changes.new_failures().size(), "new failures");
  }
  if (back > 0) {
    out +=
        R"(<h3>Recovered</h3><table class="static" id="recovered"><thead><tr><th>Input</th><th>URL</th></tr>)"
        R"(</thead><tbody>)";
    for (const ChangeDigest::Entry& e : changes.recovered()) {
      fmt::format_to(std::back_inserter(out),
                     R"(<tr class="ok"><td>{}</td><td class="url">{}</td></tr>)", Where(e),
                     XmlEscape(e.url));
    }
    out += "</tbody></table>";
    AppendMore(out, back, changes.recovered().size(), "recovered URLs");
  }
  out += "</section>";
  return out;
}

std::string HtmlPhaseBar(const PhaseTimings& timings, double scale_ms) {
  const PhaseDurations d = timings.Durations();
  const std::pair<const char*, double> phases[] = {{"dns", d.dns},
                                                   {"connect", d.connect},
                                                   {"tls", d.tls},
                                                   {"first-byte", d.first_byte},
                                                   {"body", d.transfer}};
  std::string title, spans;
  for (const auto& [name, ms] : phases) {
    if (!(ms > 0)) continue;
    fmt::format_to(std::back_inserter(title), "{}{} {} ms", title.empty() ? "" : ", ", name,
                   Ms(ms));
    const double width = scale_ms > 0 ? std::min(100.0, 100.0 * ms / scale_ms) : 0.0;
    fmt::format_to(std::back_inserter(spans), R"(<span class="p-{}" style="width:{:.2f}%"></span>)",
                   name, width);
  }
  if (spans.empty()) return R"(<span class="muted">not measured</span>)";
  return fmt::format(R"(<div class="stack" title="{}">{}</div>)", XmlEscape(title), spans);
}

std::string HtmlSlowSection(std::vector<SlowAnswer> rows, bool flagged, std::uint64_t more) {
  if (rows.empty()) return {};
  std::sort(rows.begin(), rows.end(),
            [](const SlowAnswer& a, const SlowAnswer& b) { return a.took > b.took; });
  double scale = 0;
  for (const SlowAnswer& r : rows) scale = std::max(scale, r.timings.total_ms);
  std::string out = fmt::format(
      R"(<section id="slow"><h2>{}</h2><div class="note legend">Where the time went:)"
      R"(<span class="p-dns"></span>DNS<span class="p-connect"></span>connect)"
      R"(<span class="p-tls"></span>TLS<span class="p-first-byte"></span>first byte)"
      R"(<span class="p-body"></span>body</div><table class="static" id="slow-answers"><thead>)"
      R"(<tr><th>Time</th><th>URL</th><th>Phases</th></tr></thead><tbody>)",
      flagged ? "Slow answers (--slow)" : "Slowest answers");
  for (const SlowAnswer& r : rows) {
    fmt::format_to(std::back_inserter(out),
                   R"(<tr><td class="num">{} ms</td><td class="url">{}</td><td class="phases">{})"
                   R"(</td></tr>)",
                   Ms(static_cast<double>(r.took.count()) / 1000.0), XmlEscape(r.url),
                   HtmlPhaseBar(r.timings, scale));
  }
  out += "</tbody></table>";
  AppendMore(out, rows.size() + more, rows.size(), "slow answers");
  out += "</section>";
  return out;
}

std::string HtmlCertificatesSection(const CertificateDigest& digest, std::size_t max_rows) {
  const auto& entries = digest.Soonest();
  if (entries.empty()) return {};
  const auto now = std::chrono::system_clock::now();
  std::string out =
      R"(<section id="certificates"><h2>Certificates, soonest expiry first</h2>)"
      R"(<table class="static" id="certificate-table"><thead><tr><th>Expires</th>)"
      R"(<th>Days left</th><th>Hosts</th><th>Expiring</th><th>Issuer</th><th>URLs</th></tr>)"
      R"(</thead><tbody>)";
  const std::size_t shown = std::min(entries.size(), max_rows);
  for (std::size_t i = 0; i < shown; ++i) {
    const CertificateDigest::Entry& e = entries[i];
    const CertificateFacts& f = *e.facts;
    const std::int64_t days = DaysLeft(f.soonest(), now);
    fmt::format_to(std::back_inserter(out),
                   R"(<tr class="{}"><td>{}</td><td class="num">{}</td><td class="url">{}</td>)"
                   R"(<td>{}</td><td>{}</td><td class="num">{}</td></tr>)",
                   days < 0    ? "fail"
                   : days < 30 ? "warn"
                               : "ok",
                   IsoUtcDate(f.soonest()), days, XmlEscape(HostsText(e)),
                   XmlEscape(ExpiringText(f)), XmlEscape(f.issuer), e.urls);
  }
  out += "</tbody></table></section>";
  return out;
}

std::string HtmlHostsSection(const std::vector<HostStatsRow>& rows, std::size_t max_rows) {
  std::string out =
      R"(<section id="hosts"><h2>Hosts</h2><table class="static" id="host-stats"><thead><tr><th>Host</th>)"
      R"(<th>Requests</th><th>ok</th><th>Failed</th><th>429</th><th>503</th><th>Paused (s)</th>)"
      R"(<th>p50 (ms)</th><th>p95 (ms)</th><th>Bytes</th></tr></thead><tbody>)";
  const std::size_t shown = std::min(rows.size(), max_rows);
  for (std::size_t i = 0; i < shown; ++i) {
    const HostStatsRow& h = rows[i];
    const bool bad = h.failed > 0 || h.http_429 > 0 || h.http_503 > 0;
    fmt::format_to(std::back_inserter(out),
                   R"(<tr class="{}"><td class="url">{}</td><td class="num">{}</td>)"
                   R"(<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>)"
                   R"(<td class="num">{}</td><td class="num">{:.1f}</td><td class="num">{}</td>)"
                   R"(<td class="num">{}</td><td class="num">{}</td></tr>)",
                   bad ? "fail" : "ok", XmlEscape(h.host.empty() ? "(no host)" : h.host),
                   h.requests, h.ok, h.failed, h.http_429, h.http_503, h.paused_s, Ms(h.p50_ms),
                   Ms(h.p95_ms), FormatSize(h.bytes));
  }
  out += "</tbody></table>";
  AppendMore(out, rows.size(), shown, "hosts");
  out += "</section>";
  return out;
}

}  // namespace fetchpool
