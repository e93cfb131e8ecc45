#include "fetchpool/output/stats_report.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <string_view>

#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/utc_time.hpp"

namespace fetchpool {
namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kCyan = "\x1b[36m";
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kYellow = "\x1b[33m";
constexpr std::string_view kRed = "\x1b[31m";

void Paint(std::string& out, std::string_view color, std::string_view text, bool on) {
  if (on) out += color;
  out += text;
  if (on) out += kReset;
}

std::string_view StatusColor(int status) {
  if (status < 300) return kGreen;
  if (status < 400) return kCyan;
  return status < 500 ? kYellow : kRed;
}

void AppendHistogram(std::string& out, const RunStats& stats, const TermStyle& style) {
  const auto& b = stats.buckets();
  std::size_t first = 0;
  while (first < b.size() && b[first] == 0) ++first;
  if (first == b.size()) return;
  std::size_t last = b.size() - 1;
  while (b[last] == 0) --last;
  const std::uint64_t most = *std::max_element(b.begin(), b.end());
  const std::size_t count_w = fmt::formatted_size("{}", most);
  const std::string le = style.unicode ? "≤" : "<=";
  // Labels are ASCII but for '≤' (one column), so columns are counted by hand.
  const int label_w = 5 + (style.unicode ? 1 : 2);  // "≤500ms", "<=500ms", "> 60s"
  const int fixed = 2 + label_w + 1 + static_cast<int>(count_w) + 1 + 1;
  const double bar_w = std::max(10, style.width - fixed);
  out += "Latency histogram:\n";
  for (std::size_t i = first; i <= last; ++i) {
    const bool overflow = i == RunStats::kBuckets - 1;
    const std::string label =
        overflow ? "> " + RunStats::BucketLabel(i - 1) : le + RunStats::BucketLabel(i);
    const int columns = static_cast<int>(label.size()) - (style.unicode && !overflow ? 2 : 0);
    out += "  ";
    out.append(static_cast<std::size_t>(std::max(0, label_w - columns)), ' ');
    fmt::format_to(std::back_inserter(out), "{} {:>{}} ", label, b[i], count_w);
    std::string bar;
    AppendBar(bar, bar_w * static_cast<double>(b[i]) / static_cast<double>(most), style.unicode);
    Paint(out, kCyan, bar, style.color && !bar.empty());
    out += '\n';
  }
}

// "Blocked by:  Cloudflare ×2  Akamai ×1" and "Redirects:  moved ×3  upgraded ×1".
void AppendWallsAndMoves(std::string& out, const RunStats& stats, const TermStyle& style) {
  const std::string_view times = style.unicode ? "×" : "x";
  const auto walls = stats.BlockedBy();
  if (!walls.empty()) {
    out += "Blocked by:";
    for (const auto& [provider, n] : walls) {
      out += "  ";
      Paint(out, kYellow, provider, style.color);
      fmt::format_to(std::back_inserter(out), " {}{}", times, n);
    }
    out += '\n';
  }
  if (stats.moved() > 0 || stats.upgraded() > 0) {
    out += "Redirects:";
    if (stats.moved() > 0)
      fmt::format_to(std::back_inserter(out), "  moved {}{}", times, stats.moved());
    if (stats.upgraded() > 0) {
      fmt::format_to(std::back_inserter(out), "  upgraded {}{}", times, stats.upgraded());
    }
    out += '\n';
  }
}

void AppendCounts(std::string& out, const RunStats& stats, const TermStyle& style) {
  const std::string_view times = style.unicode ? "×" : "x";
  const auto statuses = stats.Statuses();
  if (!statuses.empty() || stats.no_status() > 0) {
    out += "Statuses:";
    for (const auto& [status, n] : statuses) {
      out += "  ";
      Paint(out, StatusColor(status), fmt::format("{}", status), style.color);
      fmt::format_to(std::back_inserter(out), " {}{}", times, n);
    }
    if (stats.no_status() > 0) {
      fmt::format_to(std::back_inserter(out), "  no response {}{}", times, stats.no_status());
    }
    out += '\n';
  }
  const auto kinds = stats.Kinds();
  if (!kinds.empty()) {
    out += "Failures:";
    for (const auto& [kind, n] : kinds) {
      out += "  ";
      Paint(out, kRed, ErrorKindLabel(kind), style.color);
      fmt::format_to(std::back_inserter(out), " {}{}", times, n);
    }
    out += '\n';
  }
  AppendWallsAndMoves(out, stats, style);
}

void AppendSlowest(std::string& out, const RunStats& stats) {
  const auto slowest = stats.Slowest();
  if (slowest.empty()) return;
  out += "Slowest:\n";
  for (const RunStats::Slow& s : slowest) {
    fmt::format_to(std::back_inserter(out), "  {:>8}ms  ", s.elapsed.count() / 1000);
    AppendEscaped(out, s.url);
    out += '\n';
  }
}

// Each phase's own time, p50 and p95, over the results that went through it.
void AppendPhases(std::string& out, const RunStats& stats) {
  const RunStats::Phases& p = stats.phases();
  const std::pair<const char*, const LatencyStats*> rows[] = {
      {"DNS", &p.dns}, {"connect", &p.connect}, {"TLS", &p.tls}, {"first byte", &p.first_byte}};
  if (p.first_byte.count() == 0 && p.dns.count() == 0) return;
  out += "Phases:            p50        p95   results\n";
  for (const auto& [name, l] : rows) {
    if (l->count() == 0) continue;
    fmt::format_to(std::back_inserter(out), "  {:<10} {:>8.1f}ms {:>8.1f}ms {:>9}\n", name,
                   l->PercentileMs(0.50), l->PercentileMs(0.95), l->count());
  }
}

// The certificates that expire soonest, one line each however many URLs came with it.
void AppendCertificates(std::string& out, const RunStats& stats) {
  const auto& entries = stats.certificates().Soonest();
  if (entries.empty()) return;
  constexpr std::size_t kShown = 5;
  const auto now = std::chrono::system_clock::now();
  out += "Certificates, soonest expiry first:\n";
  for (std::size_t i = 0; i < std::min(kShown, entries.size()); ++i) {
    const CertificateFacts& f = *entries[i].facts;
    const std::int64_t days = DaysLeft(f.soonest(), now);
    fmt::format_to(std::back_inserter(out), "  {:>5} day{} {}  ", days,
                   days == 1 || days == -1 ? " " : "s", IsoUtcDate(f.soonest()));
    AppendEscaped(out, HostsText(entries[i]));
    out += "  ";
    AppendEscaped(out, ExpiringText(f));
    out += '\n';
  }
}

}  // namespace

bool LocaleIsUtf8() {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): nobody setenvs
    if (value == nullptr || value[0] == '\0') continue;
    const std::string lower = AsciiLower(value);
    return lower.find("utf-8") != std::string::npos || lower.find("utf8") != std::string::npos;
  }
  return false;
}

int TerminalWidth(int fd) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read at setup; nothing calls setenv.
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    const int n = std::atoi(columns);
    if (n >= 20 && n <= 1000) return n;
  }
  winsize ws{};
  if (::isatty(fd) == 1 && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) {
    return ws.ws_col;
  }
  return 80;
}

int AppendBar(std::string& out, double cells, bool unicode) {
  if (!(cells > 0)) return 0;
  if (!unicode) {
    const auto n = static_cast<std::size_t>(std::max(1.0, std::round(cells)));
    out.append(n, '#');
    return static_cast<int>(n);
  }
  static constexpr std::string_view kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const auto eighths = static_cast<std::size_t>(std::max(1.0, std::round(cells * 8)));
  for (std::size_t i = 0; i < eighths / 8; ++i) out += "█";
  out += kEighths[eighths % 8];
  return static_cast<int>(eighths / 8 + (eighths % 8 != 0 ? 1 : 0));
}

std::string FormatStats(const RunStats& stats, const TermStyle& style) {
  std::string out;
  AppendHistogram(out, stats, style);
  AppendCounts(out, stats, style);
  AppendSlowest(out, stats);
  AppendPhases(out, stats);
  AppendCertificates(out, stats);
  return out;
}

}  // namespace fetchpool
