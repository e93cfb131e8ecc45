#include "fetchpool/progress_line.hpp"

#include <fmt/format.h>

#include <iterator>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
constexpr auto kFirstDrawAfter = 500ms;  // a quick run never shows a progress line
constexpr auto kRedrawEvery = 100ms;

}  // namespace

void ProgressLine::Update(const Summary& c, std::optional<std::uint64_t> total,
                          std::chrono::steady_clock::duration elapsed) {
  if (elapsed < kFirstDrawAfter || (visible_ && elapsed - last_draw_ < kRedrawEvery)) return;
  last_draw_ = elapsed;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const std::uint64_t done = c.total;
  std::string text = total ? fmt::format("{}/{} done", done, *total) : fmt::format("{} done", done);
  fmt::format_to(std::back_inserter(text), "  {} ok  {} failed  {:.0f}/s  {:.1f}s", c.ok, c.failed,
                 seconds > 0 ? static_cast<double>(done) / seconds : 0.0, seconds);
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
