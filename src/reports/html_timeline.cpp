#include "fetchpool/reports/html_timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace fetchpool {
namespace {

constexpr int kWidth = 1000;  // viewBox units
constexpr int kLabelW = 40;
constexpr int kAxisH = 18;

std::string Seconds(double s) {
  if (s < 1) return fmt::format("{:.0f}ms", s * 1000);
  if (s < 120) return fmt::format("{:.3g}s", s);
  const auto whole = static_cast<long long>(s);
  return fmt::format("{}m{:02}s", whole / 60, whole % 60);
}

// A round tick step giving at most ~8 ticks over `span` seconds.
double TickStep(double span) {
  for (double step : {0.01, 0.02, 0.05, 0.1,   0.2,   0.5,   1.0,    2.0,    5.0,    10.0,
                      15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 21600.0}) {
    if (span / step <= 8) return step;
  }
  return 86400.0;
}

}  // namespace

void HtmlTimeline::Add(const Span& span, bool failed) {
  if (span.worker < 0 || span.worker > 4095) return;
  const auto worker = static_cast<std::size_t>(span.worker);
  if (lanes_.size() <= worker) lanes_.resize(worker + 1);
  const std::int64_t start = std::max<std::int64_t>(0, span.start.count());
  const std::int64_t end = start + std::max<std::int64_t>(1, span.took.count());
  while (end > static_cast<std::int64_t>(kBins) * bin_.count()) Widen();
  Lane& lane = lanes_[worker];
  Spread(lane, start, end, &Bin::busy_us);
  if (span.waited.count() > 0) {
    Spread(lane, std::max<std::int64_t>(0, start - span.waited.count()), start, &Bin::wait_us);
  }
  ++lane[static_cast<std::size_t>(start / bin_.count())].started;
  if (failed) ++lane[static_cast<std::size_t>((end - 1) / bin_.count())].failed;
}

void HtmlTimeline::Widen() {
  for (Lane& lane : lanes_) {
    for (std::size_t i = 0; i < kBins / 2; ++i) {
      const Bin& a = lane[2 * i];
      const Bin& b = lane[2 * i + 1];
      lane[i] = {a.busy_us + b.busy_us, a.wait_us + b.wait_us, a.started + b.started,
                 a.failed + b.failed};
    }
    std::fill(lane.begin() + kBins / 2, lane.end(), Bin{});
  }
  bin_ *= 2;
}

void HtmlTimeline::Spread(Lane& lane, std::int64_t from, std::int64_t to,
                          std::int64_t Bin::*field) {
  const std::int64_t w = bin_.count();
  for (std::int64_t b = from / w; b * w < to && b < static_cast<std::int64_t>(kBins); ++b) {
    const std::int64_t overlap = std::min(to, (b + 1) * w) - std::max(from, b * w);
    if (overlap > 0) lane[static_cast<std::size_t>(b)].*field += overlap;
  }
}

std::string HtmlTimeline::Svg() const {
  if (lanes_.empty()) return "<p class=\"empty\">No transfers.</p>";
  // The last bin anything reached sets the time axis.
  std::size_t used = 1;
  for (const Lane& lane : lanes_) {
    for (std::size_t i = 0; i < kBins; ++i) {
      if (lane[i].busy_us > 0 || lane[i].wait_us > 0) used = std::max(used, i + 1);
    }
  }
  const int rows = static_cast<int>(lanes_.size());
  const int lane_h = std::clamp(480 / rows, 3, 18);
  const int height = rows * lane_h + kAxisH + 4;
  const double bin_w = static_cast<double>(kWidth - kLabelW) / static_cast<double>(used);
  const double bin_s = static_cast<double>(bin_.count()) / 1e6;
  std::string svg = fmt::format(
      R"(<svg id="timeline" viewBox="0 0 {} {}" shape-rendering="crispEdges" role="img" aria-label="Timeline of transfers per worker">)",
      kWidth, height);
  svg += '\n';
  const double span_s = bin_s * static_cast<double>(used);
  const double step = TickStep(span_s);
  for (double t = 0; t <= span_s + 1e-9; t += step) {
    const double x = kLabelW + t / span_s * (kWidth - kLabelW);
    fmt::format_to(std::back_inserter(svg),
                   R"(<line class="grid" x1="{0:.1f}" x2="{0:.1f}" y1="0" y2="{1}"/>)"
                   R"(<text class="axis" x="{0:.1f}" y="{2}" text-anchor="middle">{3}</text>)",
                   x, rows * lane_h, rows * lane_h + 14, Seconds(t));
  }
  svg += '\n';
  for (int w = 0; w < rows; ++w) {
    const Lane& lane = lanes_[static_cast<std::size_t>(w)];
    const int y = w * lane_h;
    if (lane_h >= 9) {
      fmt::format_to(std::back_inserter(svg),
                     R"(<text class="axis" x="{}" y="{}" text-anchor="end">w{}</text>)",
                     kLabelW - 4, y + lane_h - 3, w + 1);
    }
    const double bin_us = static_cast<double>(bin_.count());
    for (std::size_t i = 0; i < used; ++i) {
      const Bin& b = lane[i];
      if (b.busy_us == 0 && b.wait_us == 0) continue;
      const double x = kLabelW + static_cast<double>(i) * bin_w;
      const double busy = std::min(1.0, static_cast<double>(b.busy_us) / bin_us);
      const double wait = std::min(1.0, static_cast<double>(b.wait_us) / bin_us);
      const int strip = std::max(1, lane_h / 4);
      fmt::format_to(std::back_inserter(svg),
                     R"(<g><title>worker {} at {}–{}: busy {:.0f}%, )"
                     R"({} started, {} failed, waited {}</title>)",
                     w + 1, Seconds(static_cast<double>(i) * bin_s),
                     Seconds(static_cast<double>(i + 1) * bin_s), busy * 100, b.started, b.failed,
                     Seconds(static_cast<double>(b.wait_us) / 1e6));
      if (b.wait_us > 0) {
        fmt::format_to(
            std::back_inserter(svg),
            R"(<rect class="wait" x="{:.1f}" y="{}" width="{:.2f}" height="{}" opacity="{:.2f}"/>)",
            x, y + 1, bin_w, strip, 0.25 + 0.75 * wait);
      }
      if (b.busy_us > 0) {
        fmt::format_to(
            std::back_inserter(svg),
            R"(<rect class="{}" x="{:.1f}" y="{}" width="{:.2f}" height="{}" opacity="{:.2f}"/>)",
            b.failed > 0 ? "failed" : "busy", x, y + 1 + strip, bin_w,
            std::max(1, lane_h - strip - 2), 0.2 + 0.8 * busy);
      }
      svg += "</g>";
    }
    svg += '\n';
  }
  svg += "</svg>";
  return svg;
}

}  // namespace fetchpool
