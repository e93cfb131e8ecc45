#include "fetchpool/output/printer_setup.hpp"

#include <cstdlib>

namespace fetchpool {
namespace {

bool UseColor(ColorMode mode, bool terminal) {
  if (mode != ColorMode::kAuto) return mode == ColorMode::kAlways;
  // Read before any worker starts, and nothing here calls setenv.
  const char* no_color = std::getenv("NO_COLOR");  // NOLINT(concurrency-mt-unsafe)
  return terminal && (no_color == nullptr || no_color[0] == '\0');
}

// Block characters only on a UTF-8 terminal; colour as the result tags have it.
TermStyle StatsStyle(const OutputOptions& o, const PrinterTerminal& t) {
  const bool text = o.format == OutputFormat::kText;
  const bool terminal = text ? t.out_is_terminal : t.err_is_terminal;
  return {.unicode = terminal && LocaleIsUtf8(),
          .color = text && UseColor(o.color, t.out_is_terminal),
          .width = TerminalWidth(text ? t.out_fd : t.err_fd)};
}

}  // namespace

PrinterSetup MakePrinterSetup(const OutputOptions& o, const PrinterTerminal& t,
                              ReorderWindow* window, std::chrono::steady_clock::time_point start) {
  return {
      .out_fd = t.out_fd,
      .err_fd = t.err_fd,
      .stdout_sink = {.format = o.format,
                      .color =
                          o.format == OutputFormat::kText && UseColor(o.color, t.out_is_terminal),
                      .verbose = o.verbosity == Verbosity::kVerbose,
                      .github_annotations = o.annotate == AnnotateMode::kGithub,
                      .stats = o.stats || o.verbosity == Verbosity::kVerbose
                                   ? std::optional<TermStyle>(StatsStyle(o, t))
                                   : std::nullopt},
      .verbosity = o.verbosity,
      .progress = o.verbosity != Verbosity::kSilent && o.progress.value_or(t.err_is_terminal),
      .start = start,
      .window = window,
      .progress_style = {.unicode = t.err_is_terminal && LocaleIsUtf8(),
                         .width = TerminalWidth(t.err_fd)},
  };
}

}  // namespace fetchpool
