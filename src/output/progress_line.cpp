#include "fetchpool/output/progress_line.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
constexpr auto kFirstDrawAfter = 500ms;  // a quick run never shows a progress line
constexpr auto kRedrawEvery = 100ms;

// "16s", "2m05s", "1h02m".
std::string FormatEta(double seconds) {
  const auto s = static_cast<long long>(std::ceil(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

}  // namespace

void ProgressLine::Update(const Summary& c, std::optional<std::uint64_t> total,
                          std::chrono::steady_clock::duration elapsed) {
  if (elapsed < kFirstDrawAfter || (visible_ && elapsed - last_draw_ < kRedrawEvery)) return;
  last_draw_ = elapsed;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const std::uint64_t done = c.total;
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  std::string text;
  if (total) {
    // The bar leaves room for the rest of the line, which must not wrap ("\r" redraws one row).
    const int cells = style_.width >= 100 ? 30 : style_.width >= 80 ? 20 : 10;
    const double fraction =
        *total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(*total)) : 1.0;
    std::string bar;
    const int drawn = AppendBar(bar, fraction * cells, style_.unicode);
    text =
        "[" + bar + std::string(static_cast<std::size_t>(std::max(0, cells - drawn)), ' ') + "] ";
    fmt::format_to(std::back_inserter(text), "{}/{} done", done, *total);
  } else {
    text = fmt::format("{} done", done);
  }
  fmt::format_to(std::back_inserter(text), "  {} ok  {} failed  {:.0f}/s  {:.1f}s", c.ok, c.failed,
                 rate, seconds);
  if (total && done > 0 && done < *total && rate > 0) {
    text += "  ETA " + FormatEta(static_cast<double>(*total - done) / rate);
  }
  Write("\r\x1b[K" + text);
  visible_ = true;
}

void ProgressLine::Clear() {
  if (!visible_) return;
  Write("\r\x1b[K");
  visible_ = false;
}

void ProgressLine::Write(const std::string& text) {
  static_cast<void>(err_.Write(text));  // progress is a courtesy; never fail the run over it
}

}  // namespace fetchpool
