#include "fetchpool/reports/html_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <iterator>
#include <nlohmann/json.hpp>

#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/reports/html_sections.hpp"
#include "fetchpool/reports/junit_sink.hpp"  // XmlEscape: HTML text and attributes need the same
#include "fetchpool/version.hpp"

namespace fetchpool {
namespace {

bool SlowerFirst(const std::chrono::microseconds a, const std::chrono::microseconds b) {
  return a > b;
}

std::string Esc(std::string_view text) { return XmlEscape(text); }

std::string Thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

std::string Ms(double ms) {
  if (ms < 10) return fmt::format("{:.1f} ms", ms);
  if (ms < 1000) return fmt::format("{:.0f} ms", ms);
  return fmt::format("{:.2f} s", ms / 1000);
}

void Card(std::string& out, std::string_view cls, std::string_view label, std::string_view value) {
  fmt::format_to(std::back_inserter(out), R"(<div class="card {}"><b>{}</b><span>{}</span></div>)",
                 cls, value, label);
}

std::string Cards(const RunTotals& t) {
  const Summary& s = t.summary;
  std::string out;
  if (s.show_urls) {  // --each-address: a result per address
    Card(out, "", "URLs", Thousands(s.urls));
    Card(out, "", "results", Thousands(s.total));
  } else {
    Card(out, "", "URLs", Thousands(s.total));
  }
  Card(out, "ok", "ok", Thousands(s.ok));
  Card(out, s.failed > 0 ? "fail" : "", "failed", Thousands(s.failed));
  if (s.warned > 0) Card(out, "warn", "warned", Thousands(s.warned));
  if (s.aborted > 0) Card(out, "warn", "aborted", Thousands(s.aborted));
  if (s.blocked > 0) Card(out, "warn", "blocked by bot walls", Thousands(s.blocked));
  if (s.moved > 0) Card(out, "", "moved links", Thousands(s.moved));
  Card(out, "", "retries", Thousands(s.retries));
  Card(out, "", "elapsed", fmt::format("{:.2f} s", s.elapsed_s));
  Card(out, "", "URLs/s",
       fmt::format("{:.0f}", s.elapsed_s > 0 ? static_cast<double>(s.total) / s.elapsed_s : 0.0));
  Card(out, "", "p50", Ms(t.latency.PercentileMs(0.50)));
  Card(out, "", "p90", Ms(t.latency.PercentileMs(0.90)));
  Card(out, "", "p99", Ms(t.latency.PercentileMs(0.99)));
  Card(out, "", "max", Ms(t.latency.MaxMs()));
  if (s.max_p95_ms) {
    Card(out, s.over_budget ? "fail" : "ok",
         fmt::format("answered p95, budget {} ms", *s.max_p95_ms), Ms(s.answered_p95_ms));
  }
  return out;
}

std::string HistogramSvg(const RunStats& stats) {
  constexpr int kW = 640, kH = 220, kLeft = 8, kBottom = 34, kTop = 18;
  const auto& b = stats.buckets();
  const std::uint64_t most = std::max<std::uint64_t>(1, *std::max_element(b.begin(), b.end()));
  const double slot = static_cast<double>(kW - 2 * kLeft) / static_cast<double>(b.size());
  std::string svg = fmt::format(
      R"(<svg id="histogram" viewBox="0 0 {} {}" role="img" aria-label="Latency histogram">)", kW,
      kH);
  const int base = kH - kBottom;
  fmt::format_to(std::back_inserter(svg), R"(<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>)",
                 kLeft, kW - kLeft, base, base);
  for (std::size_t i = 0; i < b.size(); ++i) {
    const bool overflow = i + 1 == b.size();
    const std::string label =
        overflow ? "> " + RunStats::BucketLabel(i - 1) : "≤ " + RunStats::BucketLabel(i);
    const double x = kLeft + slot * static_cast<double>(i);
    const double h =
        b[i] == 0
            ? 0
            : std::max(1.0, (base - kTop) * static_cast<double>(b[i]) / static_cast<double>(most));
    fmt::format_to(
        std::back_inserter(svg),
        R"(<g><title>{0}: {1} URL{2}</title>)"
        R"(<rect class="bar" x="{3:.1f}" y="{4:.1f}" width="{5:.1f}" height="{6:.1f}"/>)",
        label, Thousands(b[i]), b[i] == 1 ? "" : "s", x + 2, base - h, slot - 4, h);
    if (b[i] > 0) {
      fmt::format_to(std::back_inserter(svg),
                     R"(<text class="axis" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)",
                     x + slot / 2, base - h - 4, Thousands(b[i]));
    }
    fmt::format_to(std::back_inserter(svg),
                   R"(<text class="axis" x="{:.1f}" y="{}" text-anchor="middle">{}</text></g>)",
                   x + slot / 2, base + 14 + (i % 2) * 12, label);
  }
  svg += "</svg>";
  return svg;
}

std::string StatusPills(const RunStats& stats) {
  std::string out;
  for (const auto& [status, n] : stats.Statuses()) {
    fmt::format_to(std::back_inserter(out), R"(<span class="pill s{}">{} ×{}</span>)", status / 100,
                   status, Thousands(n));
  }
  if (stats.no_status() > 0) {
    fmt::format_to(std::back_inserter(out), R"(<span class="pill">no response ×{}</span>)",
                   Thousands(stats.no_status()));
  }
  return out.empty() ? std::string(R"(<span class="muted">none</span>)") : out;
}

std::string KindPills(const RunStats& stats) {
  std::string out;
  for (const auto& [kind, n] : stats.Kinds()) {
    fmt::format_to(std::back_inserter(out), R"(<span class="pill kind" title="{}">{} ×{}</span>)",
                   ErrorKindName(kind), ErrorKindLabel(kind), Thousands(n));
  }
  for (const auto& [provider, n] : stats.BlockedBy()) {
    fmt::format_to(std::back_inserter(out),
                   R"(<span class="pill kind" title="blocked_by">bot wall: {} ×{}</span>)",
                   Esc(provider), Thousands(n));
  }
  return out.empty() ? std::string(R"(<span class="muted">no failures</span>)") : out;
}

std::string SlowestTable(const RunStats& stats) {
  const auto slowest = stats.Slowest();
  if (slowest.empty()) return R"(<p class="empty">No URLs.</p>)";
  std::string out = R"(<table id="slowest"><tbody>)";
  for (const RunStats::Slow& s : slowest) {
    fmt::format_to(std::back_inserter(out),
                   R"(<tr class="{}"><td class="num">{}</td><td class="url">{}</td></tr>)",
                   s.ok ? "ok" : "fail", Ms(static_cast<double>(s.elapsed.count()) / 1000),
                   Esc(s.url));
  }
  out += "</tbody></table>";
  return out;
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// The template with every {{NAME}} replaced; values are already HTML.
std::string Fill(std::string_view text, const std::vector<std::pair<std::string, std::string>>& v) {
  std::string out;
  out.reserve(text.size() + 4096);
  for (std::size_t at = 0;;) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      out.append(text.substr(at));
      return out;
    }
    const std::size_t close = text.find("}}", open);
    out.append(text.substr(at, open - at));
    const std::string_view name = text.substr(open + 2, close - open - 2);
    const auto it =
        std::find_if(v.begin(), v.end(), [&](const auto& p) { return p.first == name; });
    if (it != v.end()) out += it->second;
    at = close + 2;
  }
}

}  // namespace

std::string HtmlRowJson(const Result& r) {
  using Json = nlohmann::json;
  const int state = r.verdict.ok ? 0 : r.verdict.warning ? 1 : 2;
  const double ms = std::round(static_cast<double>(r.transfer.elapsed.count()) / 100.0) / 10.0;
  const char* relocation = r.verdict.relocation == Relocation::kMoved      ? "moved"
                           : r.verdict.relocation == Relocation::kUpgraded ? "upgraded"
                                                                           : "";
  const Json row =
      Json::array({r.origin.line, r.origin.url, state, r.transfer.http_status, r.transfer.bytes, ms,
                   r.transfer.attempts, r.verdict.ok ? std::string() : FullReason(r),
                   r.verdict.ok ? "" : ErrorKindName(r.verdict.error_kind),
                   FormatOrigin(r.origin.input, r.origin.line, r.origin.column),
                   RedirectChainText(r.transfer.redirects), relocation, r.verdict.blocked_by,
                   r.verdict.moved_to, r.origin.address});
  const std::string text = row.dump(-1, ' ', true, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out += c;
    }
  }
  return out;
}

Status HtmlSink::Create(const std::string& path, int workers, std::unique_ptr<ResultSink>* out) {
  std::unique_ptr<StitchedFile> file;
  if (Status s = StitchedFile::Create(path, "HTML report", &file); !s.ok()) return s;
  std::FILE* spill = std::tmpfile();
  if (spill == nullptr) {
    return Status::FromErrno(fmt::format("cannot write HTML report '{}': temporary file", path),
                             errno);
  }
  out->reset(new HtmlSink(std::move(file), spill, workers));
  return Status::Ok();
}

HtmlSink::HtmlSink(std::unique_ptr<StitchedFile> file, std::FILE* spill, int workers)
    : file_(std::move(file)), spill_(spill), workers_(workers) {}

HtmlSink::~HtmlSink() { std::fclose(spill_); }

void HtmlSink::Add(const Result& r) {
  if (r.verdict.error_kind == ErrorKind::kAborted) return;
  ++urls_;
  timeline_.Add(r.span, !r.verdict.ok && !r.verdict.warning);
  changes_.Add(r);
  if (r.verdict.error_kind == ErrorKind::kSlow) KeepFlagged(r);
  std::string row = HtmlRowJson(r);
  row += ",\n";
  if (!r.verdict.ok) {
    ++problems_;
    file_->Append(row);
    return;
  }
  if (r.verdict.relocation == Relocation::kMoved) {  // kept however long the run: to be fixed
    file_->Append(row);
    return;
  }
  if (urls_ <= kFullTableLimit) std::fwrite(row.data(), 1, row.size(), spill_);
  KeepIfSlow(r.transfer.elapsed, std::move(row));
}

void HtmlSink::KeepIfSlow(std::chrono::microseconds elapsed, std::string row) {
  auto cmp = [](const Kept& a, const Kept& b) { return SlowerFirst(a.elapsed, b.elapsed); };
  if (slowest_.size() == kSlowestKept) {
    if (elapsed <= slowest_.front().elapsed) return;
    std::pop_heap(slowest_.begin(), slowest_.end(), cmp);
    slowest_.pop_back();
  }
  slowest_.push_back({elapsed, std::move(row)});
  std::push_heap(slowest_.begin(), slowest_.end(), cmp);
}

void HtmlSink::KeepFlagged(const Result& r) {
  ++flagged_count_;
  auto cmp = [](const SlowAnswer& a, const SlowAnswer& b) { return a.took > b.took; };
  if (flagged_.size() == kMaxSlowRows) {
    if (r.transfer.took <= flagged_.front().took) return;
    std::pop_heap(flagged_.begin(), flagged_.end(), cmp);
    flagged_.pop_back();
  }
  std::string url = r.origin.url;
  if (!r.origin.address.empty()) url += " [" + r.origin.address + "]";
  flagged_.push_back({r.transfer.took, std::move(url), r.transfer.timings});
  std::push_heap(flagged_.begin(), flagged_.end(), cmp);
}

namespace {

// The answers --slow flagged, else the run's few slowest, each with its phases.
std::string SlowSection(const std::vector<SlowAnswer>& flagged, std::uint64_t count,
                        const RunStats& stats) {
  if (!flagged.empty()) return HtmlSlowSection(flagged, true, count - flagged.size());
  std::vector<SlowAnswer> rows;
  for (const RunStats::Slow& s : stats.Slowest()) rows.push_back({s.elapsed, s.url, s.timings});
  return HtmlSlowSection(std::move(rows), false, 0);
}

}  // namespace

Status HtmlSink::Finish(const RunTotals& totals) {
  const Summary& s = totals.summary;
  const bool complete = urls_ <= kFullTableLimit;
  std::string limit_note;
  if (!complete) {
    limit_note = fmt::format(
        "This run had {} URLs. Above {} the table keeps only the failures and warnings ({}) and "
        "the {} slowest of the rest; the charts and counts above cover every URL.",
        Thousands(urls_), Thousands(kFullTableLimit), Thousands(problems_),
        Thousands(slowest_.size()));
  }
  const std::string title =
      s.failed > 0 ? fmt::format("{} failed of {}", Thousands(s.failed), Thousands(s.total))
                   : fmt::format("{} ok", Thousands(s.total));
  const std::string workers =
      workers_ > 0 ? fmt::format(" · {} worker{}", workers_, workers_ == 1 ? "" : "s") : "";
  const std::string meta =
      fmt::format("fetchpool {} · {}{} · {:.2f} s", kVersion, UtcNow(), workers, s.elapsed_s);
  const std::string_view page = HtmlTemplate();
  const std::size_t split = page.find("{{ROWS}}");
  const std::string head =
      Fill(page.substr(0, split),
           {
               {"TITLE", Esc(title)},
               {"META", Esc(meta)},
               {"CARDS", Cards(totals)},
               {"HISTOGRAM", HistogramSvg(totals.stats)},
               {"STATUSES", StatusPills(totals.stats)},
               {"KINDS", KindPills(totals.stats)},
               {"SLOWEST", SlowestTable(totals.stats)},
               {"TIMELINE", timeline_.lanes() == 0 && urls_ > 0
                                ? std::string("<p class=\"empty\">No timeline: no transfer ran "
                                              "here (results answered from --state, or read "
                                              "back from JSON Lines by fetchpool report).</p>")
                                : timeline_.Svg()},
               {"SLOW", SlowSection(flagged_, flagged_count_, totals.stats)},
               {"CERTIFICATES",
                HtmlCertificatesSection(totals.stats.certificates(), kMaxCertificateRows)},
               {"LIMIT_NOTE", Esc(limit_note)},
               {"CHANGES", s.show_changes ? HtmlChangesSection(changes_) : std::string()},
               {"HOSTS", totals.hosts != nullptr ? HtmlHostsSection(*totals.hosts, kMaxHostRows)
                                                 : std::string()},
           });
  std::string tail;
  if (!complete) {
    for (const Kept& k : slowest_) tail += k.row;
  }
  tail.append(page.substr(split + std::string_view("{{ROWS}}").size()));
  return file_->Commit(head, complete ? spill_ : nullptr, tail);
}

}  // namespace fetchpool
