#include "fetchpool/reports/markdown_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iterator>

#include "fetchpool/output/report.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/utc_time.hpp"
#include "fetchpool/util/utf8.hpp"

namespace fetchpool {
namespace {

constexpr std::string_view kRowsHeader =
    "| Input | URL | Reason | Attempts |\n"
    "|---|---|---|---:|\n";

// "urls.txt:12", "docs/guide.md:12:5", "(stdin):3".
std::string Where(std::string_view input, std::uint64_t line, std::uint32_t column = 0) {
  return MarkdownCell(FormatOrigin(input, line, column));
}

// The URL, and with --each-address the address its result stands for.
std::string UrlCell(const Result& r) {
  if (r.origin.address.empty()) return MarkdownCell(r.origin.url);
  return MarkdownCell(r.origin.url) + " &#91;" + MarkdownCell(r.origin.address) + "&#93;";
}

// The reason, and where the URL's redirects led: "HTTP 404 (redirects: 301 → https://b/)".
std::string Reason(const Result& r) {
  if (r.transfer.redirects.empty()) return FullReason(r);
  return fmt::format("{} (redirects: {})", FullReason(r), RedirectChainText(r.transfer.redirects));
}

std::string Row(const Result& r) {
  return fmt::format("| {} | {} | {} | {} |\n",
                     Where(r.origin.input, r.origin.line, r.origin.column), UrlCell(r),
                     MarkdownCell(Reason(r), 600), r.transfer.attempts);
}

std::string MovedRow(const Result& r) {
  return fmt::format(
      "| {} | {} | {} | {} |\n", Where(r.origin.input, r.origin.line, r.origin.column), UrlCell(r),
      MarkdownCell(r.verdict.moved_to), MarkdownCell(RedirectChainText(r.transfer.redirects), 600));
}

// The certificates that expire soonest, one row each however many URLs came with it.
void AppendCertificates(std::string& out, const CertificateDigest& digest) {
  const auto& entries = digest.Soonest();
  if (entries.empty()) return;
  const auto now = std::chrono::system_clock::now();
  out +=
      "\n### Certificates, soonest expiry first\n\n"
      "| Expires | Days left | Hosts | Expiring | Issuer | URLs |\n"
      "|---|---:|---|---|---|---:|\n";
  for (std::size_t i = 0; i < std::min(MarkdownSink::kCertificates, entries.size()); ++i) {
    const CertificateDigest::Entry& e = entries[i];
    const CertificateFacts& f = *e.facts;
    fmt::format_to(std::back_inserter(out), "| {} | {} | {} | {} | {} | {} |\n",
                   IsoUtcDate(f.soonest()), DaysLeft(f.soonest(), now), MarkdownCell(HostsText(e)),
                   MarkdownCell(ExpiringText(f)), MarkdownCell(f.issuer), e.urls);
  }
}

std::string Plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// "…and 12 more failures are not shown (...)." after a full table.
std::string MoreLine(std::uint64_t count, std::string_view one, std::string_view many) {
  if (count <= MarkdownSink::kMaxRows) return {};
  const std::uint64_t more = count - MarkdownSink::kMaxRows;
  return fmt::format("\n\u2026and {} more {} not shown (only the first {} are listed).\n", more,
                     more == 1 ? std::string(one) + " is" : std::string(many) + " are",
                     MarkdownSink::kMaxRows);
}

void AppendSlowest(std::string& out, const SlowestUrls& slowest) {
  const std::vector<SlowestUrls::Entry> entries = slowest.Sorted();
  if (entries.empty()) return;
  fmt::format_to(std::back_inserter(out),
                 "\n### Slowest URLs\n\n| Input | URL | Time | Result |\n|---|---|---:|---|\n");
  for (const SlowestUrls::Entry& e : entries) {
    const std::string result = e.ok        ? std::string("ok")
                               : e.warning ? "warning: " + MarkdownCell(e.reason)
                                           : "failed: " + MarkdownCell(e.reason);
    fmt::format_to(std::back_inserter(out), "| {} | {} | {}ms | {} |\n",
                   Where(e.input, e.line, e.column), MarkdownCell(e.url), e.elapsed.count() / 1000,
                   result);
  }
}

// --state: "### What changed since the last run", the new failures, then the recovered URLs.
void AppendChanges(std::string& out, const ChangeDigest& changes) {
  out += "\n### What changed since the last run\n\n";
  const std::uint64_t fresh = changes.new_failure_count(), back = changes.recovered_count();
  const std::uint64_t still = changes.still_failing_count();
  if (fresh == 0 && back == 0) {
    fmt::format_to(std::back_inserter(out), "Nothing changed: no new failures, none recovered{}.\n",
                   still == 0 ? std::string() : fmt::format(" ({} still failing)", still));
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}, {} recovered, {} still failing.\n",
                 Plural(fresh, "new failure", "new failures"), back, still);
  if (fresh > 0) {
    out += "\n#### New failures\n\n";
    out += kRowsHeader;
    for (const ChangeDigest::Entry& e : changes.new_failures()) {
      fmt::format_to(std::back_inserter(out), "| {} | {} | {} | {} |\n",
                     Where(e.input, e.line, e.column), MarkdownCell(e.url), MarkdownCell(e.reason),
                     e.attempts);
    }
    out += MoreLine(fresh, "new failure", "new failures");
  }
  if (back > 0) {
    out += "\n#### Recovered\n\n| Input | URL |\n|---|---|\n";
    for (const ChangeDigest::Entry& e : changes.recovered()) {
      fmt::format_to(std::back_inserter(out), "| {} | {} |\n", Where(e.input, e.line, e.column),
                     MarkdownCell(e.url));
    }
    out += MoreLine(back, "recovered URL", "recovered URLs");
  }
}

}  // namespace

std::string MarkdownCell(std::string_view text, std::size_t max_bytes) {
  std::string visible;
  AppendEscaped(visible, text);
  bool cut = false;
  if (visible.size() > max_bytes) {
    std::size_t end = 0;
    while (end < visible.size()) {
      const std::size_t n = Utf8SequenceLength(visible, end);  // >= 1: already escaped
      if (end + n > max_bytes) break;
      end += n;
    }
    visible.resize(end);
    cut = true;
  }
  std::string out;
  out.reserve(visible.size() + 16);
  for (std::size_t i = 0; i < visible.size(); ++i) {
    const char c = visible[i];
    // GitHub's autolinker reads the raw text: a "www." with its first w as a reference is not
    // a link (and neither is "http://" once its ':' is one).
    if ((c == 'w' || c == 'W') && EqualsIgnoreCase(visible.substr(i, 4), "www.")) {
      fmt::format_to(std::back_inserter(out), "&#{};", static_cast<int>(c));
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '|':
      case '`':
      case '\\':
      case '*':
      case '_':
      case '~':
      case '[':
      case ']':
      case '$':  // GitHub math
      case '@':  // mentions
      case '#':  // issue references
      case ':':  // emoji codes, and URL autolinks
        fmt::format_to(std::back_inserter(out), "&#{};", static_cast<int>(c));
        break;
      default:
        out += c;
    }
  }
  if (cut) out += "\u2026";
  return out;
}

Status MarkdownSink::Create(const std::string& path, std::unique_ptr<ResultSink>* out) {
  std::unique_ptr<StitchedFile> file;
  if (Status s = StitchedFile::Create(path, "Markdown report", &file); !s.ok()) return s;
  out->reset(new MarkdownSink(std::move(file)));
  return Status::Ok();
}

void MarkdownSink::Add(const Result& r) {
  if (r.verdict.error_kind == ErrorKind::kAborted) return;
  slowest_.Add(r);
  changes_.Add(r);
  if (r.verdict.relocation == Relocation::kMoved && ++moved_ <= kMaxRows)
    moved_rows_ += MovedRow(r);
  if (r.verdict.relocation == Relocation::kUpgraded) ++upgraded_;
  if (r.verdict.ok) return;
  if (r.verdict.warning) {
    if (++warnings_ <= kMaxRows) warning_rows_ += Row(r);
  } else if (++failures_ <= kMaxRows) {
    file_->Append(Row(r));
  }
}

std::string MarkdownSink::Head(const RunTotals& totals) const {
  const Summary& s = totals.summary;
  std::string out =
      fmt::format("## fetchpool: {} failed, {} warned, {} ok\n\n", s.failed, s.warned, s.ok);
  if (totals.missing != nullptr) {
    out += "> **Incomplete:** these results merge runs that are not the whole list:\n";
    for (const std::string& m : *totals.missing) out += "> - " + MarkdownCell(m, 500) + "\n";
    out += "\n";
  } else if (totals.interrupted) {
    out += fmt::format(
        "> **Interrupted:** the run was stopped before it finished; this report holds only the "
        "URLs that finished{}.\n\n",
        s.aborted == 0
            ? std::string()
            : fmt::format(" ({} in progress {} aborted and {} not counted)",
                          Plural(s.aborted, "transfer", "transfers"),
                          s.aborted == 1 ? "was" : "were", s.aborted == 1 ? "is" : "are"));
  }
  if (const std::string breach = BudgetBreach(s); !breach.empty()) {
    out += fmt::format("> **Latency budget exceeded:** {}.\n\n", MarkdownCell(breach));
  }
  if (s.show_urls) {  // --each-address: a result per address
    fmt::format_to(std::back_inserter(out),
                   "| URLs | results | ok | failed | warned | retries | time |\n"
                   "|---:|---:|---:|---:|---:|---:|---:|\n"
                   "| {} | {} | {} | {} | {} | {} | {:.2f}s |\n\n",
                   s.urls, s.total, s.ok, s.failed, s.warned, s.retries, s.elapsed_s);
  } else {
    fmt::format_to(std::back_inserter(out),
                   "| URLs | ok | failed | warned | retries | time |\n"
                   "|---:|---:|---:|---:|---:|---:|\n"
                   "| {} | {} | {} | {} | {} | {:.2f}s |\n\n",
                   s.total, s.ok, s.failed, s.warned, s.retries, s.elapsed_s);
  }
  if (s.blocked > 0 || s.moved > 0) {
    std::string notes;
    if (s.blocked > 0) {
      notes = fmt::format("{} by bot protection", Plural(s.blocked, "URL blocked", "URLs blocked"));
    }
    if (s.moved > 0) {
      notes += fmt::format("{}{}", notes.empty() ? "" : ", ",
                           Plural(s.moved, "link moved", "links moved"));
    }
    fmt::format_to(std::back_inserter(out), "Of these: {}.\n\n", notes);
  }
  out += "### Failures\n\n";
  out += failures_ == 0 ? "No failures.\n" : std::string(kRowsHeader);
  return out;
}

std::string MarkdownSink::Tail(const RunTotals& totals) const {
  std::string out = MoreLine(failures_, "failure", "failures");
  if (warnings_ > 0) {
    out += "\n### Warnings\n\n";
    out += kRowsHeader;
    out += warning_rows_;
    out += MoreLine(warnings_, "warning", "warnings");
  }
  if (moved_ > 0 || upgraded_ > 0) {
    out += "\n### Moved links\n\n";
    if (moved_ > 0) {
      out +=
          "Permanent redirects (301, 308) to another URL: `--rewrite` writes the list with "
          "the new URLs.\n\n| Input | URL | Moved to | Redirects |\n|---|---|---|---|\n";
      out += moved_rows_;
      out += MoreLine(moved_, "moved link", "moved links");
    }
    if (upgraded_ > 0) {
      fmt::format_to(std::back_inserter(out),
                     "{}{} only upgraded (http to https on the same host and path, or a "
                     "trailing slash added): not listed.\n",
                     moved_ > 0 ? "\n" : "", Plural(upgraded_, "link was", "links were"));
    }
  }
  if (totals.summary.show_changes) AppendChanges(out, changes_);
  const LatencyStats& l = totals.latency;
  if (l.count() > 0) {
    fmt::format_to(std::back_inserter(out),
                   "\n### Latency\n\n| p50 | p90 | p99 | max |\n|---:|---:|---:|---:|\n"
                   "| {:.0f}ms | {:.0f}ms | {:.0f}ms | {:.0f}ms |\n",
                   l.PercentileMs(0.50), l.PercentileMs(0.90), l.PercentileMs(0.99), l.MaxMs());
  }
  AppendSlowest(out, slowest_);
  AppendCertificates(out, totals.stats.certificates());
  return out;
}

Status MarkdownSink::Finish(const RunTotals& totals) {
  return file_->Commit(Head(totals), Tail(totals));
}

}  // namespace fetchpool
