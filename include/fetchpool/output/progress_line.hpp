#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "fetchpool/output/output_fd.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/output/stats_report.hpp"

namespace fetchpool {

// The live status line on stderr: "35 done  35 ok  0 failed  9/s  3.8s" until the total is
// known, then "[█████     ] 1200/10000 done  1180 ok  20 failed  560/s  2.1s  ETA 16s".
// Drawn in place with \r, cleared before stdout writes so it never interleaves with result lines
// on a terminal, and only after the run has lasted a moment.
// Thread-compatible: owned by the printer.
class ProgressLine {
 public:
  ProgressLine(OutputFd& err, TermStyle style = {}) : err_(err), style_(style) {}

  // Redraws if enough time passed since the last draw. `total` is known once input is all read.
  void Update(const Summary& counts, std::optional<std::uint64_t> total,
              std::chrono::steady_clock::duration elapsed);
  // Erases the line (before writing to stdout, and at the end).
  void Clear();

 private:
  void Write(const std::string& text);

  OutputFd& err_;
  TermStyle style_;
  bool visible_ = false;
  std::chrono::steady_clock::duration last_draw_{};
};

}  // namespace fetchpool
