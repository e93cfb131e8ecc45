#include "fetchpool/reports/html_sections.hpp"

#include <fmt/format.h>

#include <iterator>

#include "fetchpool/output/report.hpp"
#include "fetchpool/reports/junit_sink.hpp"  // XmlEscape: HTML text needs the same

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
