// Helpers for integration tests that run the real fetchpool binary: a Run
// wrapper, the summary line, and a pseudo-terminal runner for behaviour
// that depends on isatty().
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/subprocess.hpp"

namespace fetchpool::testing {

// Generous: a sanitizer build on a loaded two-core machine is slow, and a
// timed-out run still fails the test (timed_out is checked by callers).
inline constexpr std::chrono::milliseconds kRunTimeout{60000};

// Runs `binary args...` with stdin_data on stdin (then EOF).
ProcessResult RunCli(const std::string& binary, std::vector<std::string> args,
                     std::string_view stdin_data = {},
                     std::chrono::milliseconds timeout = kRunTimeout, SubprocessOptions opts = {});

#ifdef FETCHPOOL_BINARY
// The real binary under test (the macro is defined for the test executable only).
inline ProcessResult RunFetchpool(std::vector<std::string> args, std::string_view stdin_data = {},
                                  std::chrono::milliseconds timeout = kRunTimeout,
                                  SubprocessOptions opts = {}) {
  return RunCli(FETCHPOOL_BINARY, std::move(args), stdin_data, timeout, std::move(opts));
}

inline Subprocess StartFetchpool(std::vector<std::string> args, SubprocessOptions opts = {}) {
  args.insert(args.begin(), FETCHPOOL_BINARY);
  return Subprocess::Start(std::move(args), std::move(opts));
}
#endif

struct SummaryLine {
  std::uint64_t total = 0;
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  double elapsed_s = 0;
};

// Parses "Summary: N total, N ok, N failed, S.SSs elapsed" exactly (the whole
// line, two decimals); nullopt for anything else.
std::optional<SummaryLine> ParseSummary(std::string_view line);

// The summary from the last line of out; nullopt if out does not end with one.
std::optional<SummaryLine> LastSummary(std::string_view out);

struct PtyOptions {
  // stderr is always the terminal; stdout too when this is set, else a pipe.
  bool stdout_on_pty = false;
  std::vector<std::pair<std::string, std::string>> env_set;
  std::vector<std::string> env_unset;
};

struct PtyResult {
  int exit_code = -1;
  int term_signal = 0;
  bool timed_out = false;
  std::string tty;  // everything written to the terminal, byte-exact (raw mode, no CRLF)
  std::string out;  // stdout when it is a pipe
};

// Runs argv (stdin /dev/null) with a pseudo-terminal as stderr, and as stdout
// if asked; the terminal is in raw mode so what is read back is exactly what
// the child wrote. Every signal starts at its default disposition, unblocked.
// Kills the child with SIGKILL after timeout.
PtyResult RunOnPty(std::vector<std::string> argv, const PtyOptions& opts = {},
                   std::chrono::milliseconds timeout = kRunTimeout);

// Polls cond every 5 ms until it holds (true) or timeout passes (false).
template <typename Cond>
bool Eventually(Cond cond, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace fetchpool::testing
