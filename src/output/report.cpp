#include "fetchpool/output/report.hpp"

#include <fmt/format.h>

#include <array>
#include <ctime>
#include <iterator>

#include "fetchpool/util/url.hpp"
#include "fetchpool/util/utf8.hpp"

namespace fetchpool {

void CountResult(const Result& result, Summary& summary) {
  const Verdict& v = result.verdict;
  if (v.error_kind == ErrorKind::kAborted) {
    ++summary.aborted;
    return;
  }
  ++summary.total;
  if (result.origin.address_index == 0) ++summary.urls;  // --each-address: its first address
  ++(v.ok ? summary.ok : v.warning ? summary.warned : summary.failed);
  if (v.error_kind == ErrorKind::kBlocked) ++summary.blocked;
  if (v.relocation == Relocation::kMoved) ++summary.moved;
  if (result.state.change == Change::kNewFailure) ++summary.new_failures;
  if (result.state.change == Change::kRecovered) ++summary.recovered;
  if (result.transfer.attempts > 1) {
    summary.retries += static_cast<std::uint64_t>(result.transfer.attempts - 1);
  }
}

void AppendEscaped(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0 || c < 0x20 || c == 0x7f) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
      ++i;
    } else if (c == 0xc2 && static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      // A C1 control (U+0080..U+009F): U+009B is CSI to terminals that read 8-bit controls.
      fmt::format_to(std::back_inserter(out), "\\xc2\\x{:02x}",
                     static_cast<unsigned char>(text[i + 1]));
      i += 2;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
}

namespace {

// libcurl's effective URL is normalised ("http://h" becomes "http://h/"): only a different
// normal form means a redirect led somewhere.
bool LedElsewhere(const Result& result) {
  if (result.transfer.effective_url.empty() || result.transfer.effective_url == result.origin.url)
    return false;
  return NormalizedUrl(result.origin.url) != NormalizedUrl(result.transfer.effective_url);
}

void AppendDetails(std::string& out, const Result& result) {
  if (LedElsewhere(result)) {
    out += " -> ";
    AppendEscaped(out, result.transfer.effective_url);
  }
  if (!result.transfer.ip.empty() && result.origin.address.empty()) {
    out += " [";
    AppendEscaped(out, result.transfer.ip);
    out += ']';
  }
}

// --state: ", new" / ", failing since 2026-11-30, 3 runs" on failures, ", recovered" on oks.
void AppendChange(std::string& out, const Result& result) {
  switch (result.state.change) {
    case Change::kNewFailure:
      out += ", new";
      break;
    case Change::kStillFailing: {
      const std::time_t since = static_cast<std::time_t>(result.state.failing_since_ms / 1000);
      std::tm utc{};
      gmtime_r(&since, &utc);
      fmt::format_to(std::back_inserter(out), ", failing since {:04}-{:02}-{:02}, {} runs",
                     utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, result.state.fail_runs);
      break;
    }
    case Change::kRecovered:
      out += ", recovered";
      break;
    case Change::kNone:
      break;
  }
}

}  // namespace

std::string FormatOrigin(std::string_view input, std::uint64_t line, std::uint32_t column) {
  const std::string_view name = input == kStdinName ? "(stdin)" : input;
  if (column > 0) return fmt::format("{}:{}:{}", name, line, column);
  return fmt::format("{}:{}", name, line);
}

std::string FullReason(const Result& result) {
  std::string reason = result.verdict.error;
  if (result.duplicate_of) {
    const Duplicate& d = *result.duplicate_of;
    reason += " (duplicate of " + FormatOrigin(d.input, d.line, d.column) + ")";
  }
  if (result.origin.in_baseline && !result.verdict.ok) reason += " (already in the baseline)";
  return reason;
}

void AppendTextLine(std::string& out, const Result& result, const TextStyle& style) {
  const char* tag = result.verdict.ok ? "[OK]" : result.verdict.warning ? "[WARN]" : "[FAIL]";
  const char* pad = result.verdict.ok ? "   " : " ";
  if (style.color) {
    out += result.verdict.ok ? "\x1b[32m" : result.verdict.warning ? "\x1b[33m" : "\x1b[31m";
    out += tag;
    out += "\x1b[0m";
  } else {
    out += tag;
  }
  out += pad;
  AppendEscaped(out, result.origin.url);
  if (!result.origin.address.empty()) {  // --each-address
    out += " [";
    AppendEscaped(out, result.origin.address);
    out += ']';
  }
  const auto ms = result.transfer.elapsed.count() / 1000;
  if (result.duplicate_of) {
    // No transfer of its own: the first's verdict, and where that line is.
    const Duplicate& d = *result.duplicate_of;
    out += " (";
    if (result.verdict.ok) {
      out += FormatSize(result.transfer.bytes);
    } else {
      AppendEscaped(out, result.verdict.error);
    }
    out += ", duplicate of ";
    AppendEscaped(out, FormatOrigin(d.input, d.line, d.column));
  } else if (result.saved.skipped) {
    fmt::format_to(std::back_inserter(out), " (skipped: exists, {}ms", ms);
  } else if (result.verdict.ok) {
    fmt::format_to(std::back_inserter(out), " ({}, {}ms", FormatSize(result.transfer.bytes), ms);
  } else {
    out += " (";
    AppendEscaped(out, result.verdict.error);
    fmt::format_to(std::back_inserter(out), ", {}ms", ms);
  }
  if (result.transfer.attempts > 1) {
    fmt::format_to(std::back_inserter(out), ", {} attempts", result.transfer.attempts);
  }
  AppendChange(out, result);
  if (result.state.cached) out += ", cached";
  if (result.origin.in_baseline && !result.verdict.ok) out += ", already in the baseline";
  if (result.verdict.ok && result.verdict.relocation != Relocation::kNone) {
    out +=
        result.verdict.relocation == Relocation::kMoved ? ", moved \u2192 " : ", upgraded \u2192 ";
    AppendEscaped(out, result.verdict.moved_to);
  }
  out += ')';
  if (style.verbose && !result.transfer.effective_url.empty()) AppendDetails(out, result);
  if (!result.saved.path.empty()) {
    out += " -> ";
    AppendEscaped(out, result.saved.path);
  }
  if (style.verbose && result.origin.line > 0) {
    out += " at ";
    AppendEscaped(out, FormatOrigin(result.origin.input, result.origin.line, result.origin.column));
  }
  out += '\n';
}

std::string BudgetBreach(const Summary& s) {
  if (!s.over_budget || !s.max_p95_ms) return {};
  return fmt::format("p95 of {} answered URL{} is {:.0f} ms, over --max-p95 {} ms", s.answered,
                     s.answered == 1 ? "" : "s", s.answered_p95_ms, *s.max_p95_ms);
}

std::string RedirectChainText(const std::vector<RedirectHop>& hops) {
  std::string out;
  for (const RedirectHop& hop : hops) {
    if (!out.empty()) out += ", ";
    fmt::format_to(std::back_inserter(out), "{} \u2192 {}", hop.http_status, hop.location);
  }
  return out;
}

std::string FormatSummary(const Summary& s) {
  std::string out =
      s.show_urls
          ? fmt::format("Summary: {} URL{}, {} result{}, {} ok, {} failed", s.urls,
                        s.urls == 1 ? "" : "s", s.total, s.total == 1 ? "" : "s", s.ok, s.failed)
          : fmt::format("Summary: {} total, {} ok, {} failed", s.total, s.ok, s.failed);
  if (s.warned > 0) fmt::format_to(std::back_inserter(out), ", {} warned", s.warned);
  if (s.blocked > 0) fmt::format_to(std::back_inserter(out), ", {} blocked", s.blocked);
  if (s.moved > 0) fmt::format_to(std::back_inserter(out), ", {} moved", s.moved);
  if (s.duplicates > 0) {
    fmt::format_to(std::back_inserter(out), ", {} duplicate{}", s.duplicates,
                   s.duplicates == 1 ? "" : "s");
  }
  if (s.show_changes) {
    fmt::format_to(std::back_inserter(out), ", {} new failure{}, {} recovered", s.new_failures,
                   s.new_failures == 1 ? "" : "s", s.recovered);
  }
  fmt::format_to(std::back_inserter(out), ", {:.2f}s elapsed", s.elapsed_s);
  if (s.retries > 0) fmt::format_to(std::back_inserter(out), ", {} retries", s.retries);
  out += '\n';
  return out;
}

}  // namespace fetchpool
