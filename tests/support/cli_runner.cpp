#include "support/cli_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <regex>
#include <stdexcept>
#include <system_error>
#include <thread>

extern char** environ;

namespace fetchpool::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

[[noreturn]] void ThrowErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Closes a descriptor on scope exit unless released.
struct Fd {
  int fd = -1;
  explicit Fd(int f = -1) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  void Reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// Appends what is readable now; returns false once the descriptor is at EOF
// (or EIO, which is how a pty master reports that every slave is closed).
bool ReadAvailable(int fd, std::string& sink) {
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      sink.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;  // 0 (EOF) or EIO
  }
}

}  // namespace

ProcessResult RunCli(const std::string& binary, std::vector<std::string> args,
                     std::string_view stdin_data, milliseconds timeout, SubprocessOptions opts) {
  args.insert(args.begin(), binary);
  return RunProcess(std::move(args), stdin_data, timeout, std::move(opts));
}

std::optional<SummaryLine> ParseSummary(std::string_view line) {
  static const std::regex kSummary(
      R"(^Summary: (\d+) total, (\d+) ok, (\d+) failed, (\d+\.\d\d)s elapsed$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(line.begin(), line.end(), m, kSummary)) return std::nullopt;
  SummaryLine s;
  s.total = std::stoull(m[1].str());
  s.ok = std::stoull(m[2].str());
  s.failed = std::stoull(m[3].str());
  s.elapsed_s = std::stod(m[4].str());
  return s;
}

std::optional<SummaryLine> LastSummary(std::string_view out) {
  if (out.empty() || out.back() != '\n') return std::nullopt;
  out.remove_suffix(1);
  const auto nl = out.rfind('\n');
  return ParseSummary(nl == std::string_view::npos ? out : out.substr(nl + 1));
}

PtyResult RunOnPty(std::vector<std::string> argv, const PtyOptions& opts, milliseconds timeout) {
  if (argv.empty()) throw std::invalid_argument("RunOnPty: empty argv");
  Fd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (master.fd < 0) ThrowErrno("posix_openpt");
  if (::grantpt(master.fd) != 0 || ::unlockpt(master.fd) != 0) ThrowErrno("grantpt/unlockpt");
  char name[128];
  if (::ptsname_r(master.fd, name, sizeof name) != 0) ThrowErrno("ptsname_r");
  // Raw mode: no "\n" -> "\r\n", no echo, so the bytes read back are the child's bytes.
  Fd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (slave.fd < 0) ThrowErrno("open pty slave");
  termios tio{};
  if (::tcgetattr(slave.fd, &tio) != 0) ThrowErrno("tcgetattr");
  ::cfmakeraw(&tio);
  if (::tcsetattr(slave.fd, TCSANOW, &tio) != 0) ThrowErrno("tcsetattr");

  int out_pipe[2] = {-1, -1};
  if (!opts.stdout_on_pty && ::pipe2(out_pipe, O_CLOEXEC) != 0) ThrowErrno("pipe2");
  Fd out_r(out_pipe[0]);
  Fd out_w(out_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, slave.fd, STDERR_FILENO);
  posix_spawn_file_actions_adddup2(&actions, opts.stdout_on_pty ? slave.fd : out_w.fd,
                                   STDOUT_FILENO);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  ResetChildSignals(attr);
  std::vector<std::string> env =
      BuildEnvironment({.env_set = opts.env_set, .env_unset = opts.env_unset});
  std::vector<char*> argv_c = CStrings(argv);
  std::vector<char*> env_c = CStrings(env);
  pid_t pid = -1;
  const int rc =
      ::posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "cannot start " + argv[0]);
  // Only the child holds the slave and the pipe's write end now, so EOF/EIO means it is gone.
  slave.Reset();
  out_w.Reset();
  ::fcntl(master.fd, F_SETFL, ::fcntl(master.fd, F_GETFL) | O_NONBLOCK);
  if (out_r.fd >= 0) ::fcntl(out_r.fd, F_SETFL, ::fcntl(out_r.fd, F_GETFL) | O_NONBLOCK);

  PtyResult result;
  bool tty_open = true;
  bool out_open = out_r.fd >= 0;
  bool reaped = false;
  int status = 0;
  const auto deadline = Clock::now() + timeout;
  while (!reaped || tty_open || out_open) {
    pollfd fds[2] = {{tty_open ? master.fd : -1, POLLIN, 0}, {out_open ? out_r.fd : -1, POLLIN, 0}};
    ::poll(fds, 2, 10);
    if (tty_open && fds[0].revents != 0) tty_open = ReadAvailable(master.fd, result.tty);
    if (out_open && fds[1].revents != 0) out_open = ReadAvailable(out_r.fd, result.out);
    if (!reaped) {
      const pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid || (r < 0 && errno == ECHILD)) {
        reaped = true;
      } else if (!result.timed_out && Clock::now() >= deadline) {
        result.timed_out = true;
        ::kill(pid, SIGKILL);
      }
    } else if (Clock::now() >= deadline + milliseconds(2000)) {
      break;  // a grandchild kept the terminal open; take what we have
    }
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

}  // namespace fetchpool::testing
