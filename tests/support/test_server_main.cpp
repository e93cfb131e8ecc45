// fetchpool-testserver: runs the loopback TestServer standalone, for demos and
// manual runs of the CLI. Prints its base URL on stdout, then serves until
// SIGINT/SIGTERM (or stdin EOF with --until-stdin-eof).
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>

#include "support/test_server.hpp"

int main(int argc, char** argv) {
  bool until_stdin_eof = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--until-stdin-eof") {
      until_stdin_eof = true;
    } else {
      std::fprintf(stderr, "usage: %s [--until-stdin-eof]\n", argv[0]);
      return 2;
    }
  }

  // Block before any thread exists so the server threads inherit the mask
  // and the signals are only ever consumed through the signalfd below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &stop_signals, nullptr) != 0) return 1;
  int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (signal_fd < 0) {
    std::perror("signalfd");
    return 1;
  }

  try {
    fetchpool::testing::TestServer server;
    std::printf("%s\n", server.url("").c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "drop_port=%d stall_port=%d\n", server.drop_port(), server.stall_port());

    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    const nfds_t nfds = until_stdin_eof ? 2 : 1;
    for (;;) {
      if (poll(fds, nfds, -1) < 0) {
        if (errno == EINTR) continue;
        std::perror("poll");
        return 1;
      }
      if (fds[0].revents != 0) break;  // SIGINT or SIGTERM.
      if (nfds == 2 && fds[1].revents != 0) {
        char buf[4096];
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;  // EOF.
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fetchpool-testserver: %s\n", e.what());
    return 1;
  }
  return 0;
}
