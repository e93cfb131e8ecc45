// Runs a child process (normally the real fetchpool binary) with piped stdio
// so tests can drive it like a user would.
#pragma once

#include <spawn.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/spawn_setup.hpp"

namespace fetchpool::testing {

struct ProcessResult {
  int exit_code = -1;      // WEXITSTATUS, or -1 if the child did not exit normally.
  int term_signal = 0;     // Signal that killed the child, or 0.
  bool timed_out = false;  // Wait() gave up and sent SIGKILL.
  long max_rss_kb = 0;     // The child's peak resident memory (wait4's ru_maxrss).
  std::string out, err;
};

struct SubprocessOptions {
  // Applied on top of the parent's environment, after env_unset.
  std::vector<std::pair<std::string, std::string>> env_set;
  std::vector<std::string> env_unset;
  bool stdin_pipe = true;   // Else stdin is /dev/null.
  bool stdout_pipe = true;  // Else stdout is /dev/null. stderr is always piped.
};

// A started child. stdout/stderr are drained by a background thread so a
// chatty child never blocks on a full pipe. The child starts with every
// signal at its default disposition and nothing blocked (the test process
// ignores SIGPIPE once an httplib server exists), and with no descriptors
// other than 0-2. Destroying a child that was not waited for kills it.
// Thread-safety: all methods but moves and destruction may be called from
// any thread concurrently, e.g. WriteStdin on a feeder thread during Wait();
// CloseStdin waits for a WriteStdin in progress.
class Subprocess {
 public:
  // argv[0] is looked up in PATH if it has no slash. Throws std::system_error
  // if the program cannot be started.
  static Subprocess Start(std::vector<std::string> argv, SubprocessOptions opts = {});

  Subprocess(Subprocess&&) noexcept;
  Subprocess& operator=(Subprocess&&) noexcept;
  ~Subprocess();

  pid_t pid() const;

  // Blocks until written; silently stops if the child closed its stdin.
  void WriteStdin(std::string_view data);
  void CloseStdin();
  // Closes our end of the stdout pipe, so the child's next write fails with
  // EPIPE / SIGPIPE. Output read before the call is kept.
  void CloseStdoutReader();
  // No-op once the child has been reaped (its pid may be reused).
  void Signal(int sig);

  std::string StdoutSoFar() const;
  std::string StderrSoFar() const;
  // True once stdout contains needle; false on timeout or stdout EOF.
  bool WaitForStdout(std::string_view needle, std::chrono::milliseconds timeout);

  // Waits up to timeout for exit, then SIGKILLs and sets timed_out. Collects
  // all output the child wrote. Later calls return the same result.
  ProcessResult Wait(std::chrono::milliseconds timeout);

 private:
  struct State;
  explicit Subprocess(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Start + write all of stdin_data (from a helper thread, so a child that never
// reads cannot hang the test) + close stdin + Wait(timeout).
ProcessResult RunProcess(std::vector<std::string> argv, std::string_view stdin_data,
                         std::chrono::milliseconds timeout, SubprocessOptions opts = {});

}  // namespace fetchpool::testing
