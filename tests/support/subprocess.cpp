#include "support/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace fetchpool::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How long Wait() keeps reading after the child is reaped: normally EOF is
// immediate, but a grandchild may have inherited the pipes.
constexpr milliseconds kDrainGrace(2000);

[[noreturn]] void ThrowErrno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// pipe2(O_CLOEXEC) with both ends moved to >= 3: if the test process runs
// with fd 0-2 closed, a pipe end could land there and be clobbered by the
// child's dup2 actions.
void MakePipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) ThrowErrno(errno, "pipe2");
  for (int i = 0; i < 2; ++i) {
    if (fds[i] < 3) {
      int moved = ::fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
      int err = errno;
      ::close(fds[i]);
      fds[i] = moved;
      if (moved < 0) {
        CloseFd(fds[1 - i]);
        ThrowErrno(err, "fcntl(F_DUPFD_CLOEXEC)");
      }
    }
  }
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

// Thread-safety: fields marked "mu" are guarded by mu; stdin_fd by stdin_mu;
// out_fd/err_fd/wake_r belong to the reader thread once it runs; wait_mu
// serialises Wait(); pid is immutable.
struct Subprocess::State {
  pid_t pid = -1;

  std::mutex stdin_mu;
  int stdin_fd = -1;

  mutable std::mutex mu;
  std::condition_variable cv;
  bool reaped = false;               // mu; once true the pid must not be signalled.
  int wait_status = 0;               // mu
  std::string out;                   // mu
  std::string err;                   // mu
  bool out_done = true;              // mu; reader no longer reads stdout.
  bool err_done = true;              // mu
  bool close_out_requested = false;  // mu
  bool finish_requested = false;     // mu

  int out_fd = -1;
  int err_fd = -1;
  int wake_r = -1;
  int wake_w = -1;
  std::thread reader;

  std::mutex wait_mu;
  bool have_result = false;  // wait_mu
  ProcessResult result;      // wait_mu

  void Wake() const {
    char byte = 0;
    while (::write(wake_w, &byte, 1) < 0 && errno == EINTR) {
    }
  }

  // Reads once from fd; on EOF or error closes it and marks it done.
  void ReadSome(int& fd, std::string& sink, bool& done) {
    char buf[64 * 1024];
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    std::lock_guard<std::mutex> lock(mu);
    if (n > 0) {
      sink.append(buf, static_cast<std::size_t>(n));
    } else {
      CloseFd(fd);
      done = true;
    }
    cv.notify_all();
  }

  // Reads what is available right now (fds are non-blocking), then closes.
  void Drain(int& fd, std::string& sink, bool& done) {
    if (fd < 0) return;
    char buf[64 * 1024];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
      std::lock_guard<std::mutex> lock(mu);
      if (n > 0) sink.append(buf, static_cast<std::size_t>(n));
    }
    std::lock_guard<std::mutex> lock(mu);
    CloseFd(fd);
    done = true;
    cv.notify_all();
  }

  void ReaderLoop() {
    for (;;) {
      bool close_out = false;
      bool finish = false;
      {
        std::lock_guard<std::mutex> lock(mu);
        close_out = close_out_requested;
        finish = finish_requested;
      }
      if (close_out && out_fd >= 0) {
        std::lock_guard<std::mutex> lock(mu);
        CloseFd(out_fd);
        out_done = true;
        cv.notify_all();
      }
      if (finish) {
        // Take whatever is buffered without waiting for EOF.
        Drain(out_fd, out, out_done);
        Drain(err_fd, err, err_done);
      }
      if (out_fd < 0 && err_fd < 0) return;
      // poll() skips negative descriptors.
      pollfd fds[3] = {{wake_r, POLLIN, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
      if (::poll(fds, 3, -1) < 0) continue;  // EINTR.
      if (fds[0].revents != 0) {
        char buf[64];
        while (::read(wake_r, buf, sizeof(buf)) > 0) {
        }
      }
      if (fds[1].revents != 0) ReadSome(out_fd, out, out_done);
      if (fds[2].revents != 0) ReadSome(err_fd, err, err_done);
    }
  }
};

Subprocess::Subprocess(std::unique_ptr<State> state) : state_(std::move(state)) {}
Subprocess::Subprocess(Subprocess&&) noexcept = default;

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    Subprocess doomed(std::move(*this));  // Kills and reaps our old child.
    state_ = std::move(other.state_);
  }
  return *this;
}

Subprocess::~Subprocess() {
  if (!state_) return;
  Wait(milliseconds(0));
  CloseFd(state_->stdin_fd);
  CloseFd(state_->wake_r);
  CloseFd(state_->wake_w);
}

Subprocess Subprocess::Start(std::vector<std::string> argv, SubprocessOptions opts) {
  if (argv.empty()) throw std::invalid_argument("Subprocess::Start: empty argv");
  auto state = std::make_unique<State>();
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  int wake[2] = {-1, -1};
  auto close_all = [&] {
    for (int* fds : {in, out, err, wake}) {
      CloseFd(fds[0]);
      CloseFd(fds[1]);
    }
  };

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  int rc = 0;
  try {
    if (opts.stdin_pipe) MakePipe(in);
    if (opts.stdout_pipe) MakePipe(out);
    MakePipe(err);
    MakePipe(wake);

    if (opts.stdin_pipe) {
      posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    } else {
      posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    }
    if (opts.stdout_pipe) {
      posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    } else {
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // Also drops inheritable descriptors that libraries (httplib's accept)
    // leave without O_CLOEXEC.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif

    ResetChildSignals(attr);

    std::vector<std::string> env = BuildEnvironment(opts);
    std::vector<char*> argv_c = CStrings(argv);
    std::vector<char*> env_c = CStrings(env);
    rc = ::posix_spawnp(&state->pid, argv[0].c_str(), &actions, &attr, argv_c.data(), env_c.data());
  } catch (...) {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close_all();
    throw;
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    close_all();
    ThrowErrno(rc, "cannot start " + argv[0]);
  }

  // Keep only our ends; the child holds the others.
  CloseFd(in[0]);
  CloseFd(out[1]);
  CloseFd(err[1]);
  state->stdin_fd = in[1];
  state->out_fd = out[0];
  state->err_fd = err[0];
  state->wake_r = wake[0];
  state->wake_w = wake[1];
  state->out_done = state->out_fd < 0;
  state->err_done = false;
  for (int fd : {state->out_fd, state->err_fd, state->wake_r, state->wake_w}) {
    if (fd >= 0) SetNonBlocking(fd);
  }
  State* raw = state.get();
  state->reader = std::thread([raw] { raw->ReaderLoop(); });
  return Subprocess(std::move(state));
}

pid_t Subprocess::pid() const { return state_->pid; }

void Subprocess::WriteStdin(std::string_view data) {
  std::lock_guard<std::mutex> lock(state_->stdin_mu);
  if (state_->stdin_fd < 0) return;
  // A child that exited makes write() raise SIGPIPE; keep it pending on this
  // thread (blocked) and discard it instead of touching the process-wide
  // disposition.
  sigset_t pipe_set;
  sigset_t old_mask;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  while (!data.empty()) {
    ssize_t n = ::write(state_->stdin_fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) {
        timespec zero{};
        ::sigtimedwait(&pipe_set, nullptr, &zero);
      }
      break;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
}

void Subprocess::CloseStdin() {
  std::lock_guard<std::mutex> lock(state_->stdin_mu);
  CloseFd(state_->stdin_fd);
}

void Subprocess::CloseStdoutReader() {
  std::unique_lock<std::mutex> lock(state_->mu);
  if (state_->out_done) return;
  state_->close_out_requested = true;
  state_->Wake();
  state_->cv.wait(lock, [this] { return state_->out_done; });
}

void Subprocess::Signal(int sig) {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (!state_->reaped) ::kill(state_->pid, sig);
}

std::string Subprocess::StdoutSoFar() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->out;
}

std::string Subprocess::StderrSoFar() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->err;
}

bool Subprocess::WaitForStdout(std::string_view needle, milliseconds timeout) {
  std::unique_lock<std::mutex> lock(state_->mu);
  auto found = [&] { return state_->out.find(needle) != std::string::npos; };
  state_->cv.wait_for(lock, timeout, [&] { return found() || state_->out_done; });
  return found();
}

ProcessResult Subprocess::Wait(milliseconds timeout) {
  State& s = *state_;
  std::lock_guard<std::mutex> wait_lock(s.wait_mu);
  if (s.have_result) return s.result;

  ProcessResult result;
  const auto deadline = Clock::now() + timeout;
  auto step = milliseconds(1);
  for (;;) {
    {
      // waitpid only under mu, so Signal() never hits a reaped (reusable) pid.
      std::lock_guard<std::mutex> lock(s.mu);
      int status = 0;
      rusage usage{};
      pid_t r = ::wait4(s.pid, &status, WNOHANG, &usage);
      if (r == s.pid || (r < 0 && errno == ECHILD)) {
        s.reaped = true;
        s.wait_status = status;
        if (r == s.pid) result.max_rss_kb = usage.ru_maxrss;
        break;
      }
      if (!result.timed_out && Clock::now() >= deadline) {
        result.timed_out = true;
        ::kill(s.pid, SIGKILL);
      }
    }
    std::this_thread::sleep_for(step);
    step = std::min(step * 2, milliseconds(10));
  }

  {
    std::unique_lock<std::mutex> lock(s.mu);
    auto drained = [&s] { return s.out_done && s.err_done; };
    if (!s.cv.wait_for(lock, kDrainGrace, drained)) {
      s.finish_requested = true;
      s.Wake();
      s.cv.wait(lock, drained);
    }
    if (WIFEXITED(s.wait_status)) result.exit_code = WEXITSTATUS(s.wait_status);
    if (WIFSIGNALED(s.wait_status)) result.term_signal = WTERMSIG(s.wait_status);
    result.out = s.out;
    result.err = s.err;
  }
  if (s.reader.joinable()) s.reader.join();
  s.result = result;
  s.have_result = true;
  return result;
}

ProcessResult RunProcess(std::vector<std::string> argv, std::string_view stdin_data,
                         milliseconds timeout, SubprocessOptions opts) {
  const bool feed = opts.stdin_pipe;
  Subprocess proc = Subprocess::Start(std::move(argv), std::move(opts));
  std::thread feeder;
  if (feed) {
    feeder = std::thread([&proc, stdin_data] {
      proc.WriteStdin(stdin_data);
      proc.CloseStdin();
    });
  }
  ProcessResult result = proc.Wait(timeout);
  if (feeder.joinable()) feeder.join();
  return result;
}

}  // namespace fetchpool::testing
