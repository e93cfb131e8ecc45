// TestServer's plumbing below the routes: the socket stream and growing thread
// pool behind its HTTP server, its per-connection loop, and the raw listeners.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <stdexcept>
#include <utility>

#include "support/test_server_impl.hpp"

namespace fetchpool::testing {
namespace test_server_internal {
namespace {

// Task queue that grows a thread per concurrently open connection (up to a
// cap) instead of httplib's fixed pool, so tests can hold many slow requests
// open without paying for idle threads in every TestServer.
// Thread-safety: enqueue() and shutdown() may be called from any thread.
class GrowingTaskQueue : public httplib::TaskQueue {
 public:
  explicit GrowingTaskQueue(std::size_t max_threads) : max_threads_(max_threads) {}
  ~GrowingTaskQueue() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_ && threads_.size() < max_threads_) {
      threads_.emplace_back([this] { Work(); });
    } else {
      cv_.notify_one();
    }
  }

  void shutdown() override {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutting_down_ = true;
      threads.swap(threads_);
    }
    cv_.notify_all();
    for (auto& t : threads) t.join();
  }

 private:
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      ++idle_;
      cv_.wait(lock, [this] { return !jobs_.empty() || shutting_down_; });
      --idle_;
      if (jobs_.empty()) return;  // Shutting down and nothing left to run.
      auto fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  const std::size_t max_threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool shutting_down_ = false;
};

void SockAddrToIpPort(const sockaddr_storage& addr, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &in.sin_addr, buf, sizeof(buf));
    port = ntohs(in.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof(buf));
    port = ntohs(in6.sin6_port);
  }
  ip = buf;
}

// httplib::Stream over a connected socket. Ours rather than httplib's so the
// connection loop (and thus shutdown) is under our control; writes use
// MSG_NOSIGNAL so a vanished client never raises SIGPIPE.
// Thread-safety: used only by the worker thread serving the connection.
class SocketStream : public httplib::Stream {
 public:
  SocketStream(int fd, int read_timeout_ms, int write_timeout_ms)
      : fd_(fd), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms) {}

  using httplib::Stream::write;

  bool is_readable() const override { return PollFd(fd_, POLLIN, read_timeout_ms_); }
  bool is_writable() const override { return PollFd(fd_, POLLOUT, write_timeout_ms_); }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ == len_) {
      // httplib reads headers a byte at a time, so refill a buffer.
      if (!is_readable()) return -1;
      ssize_t n = Recv(buf_, sizeof(buf_));
      if (n <= 0) return n;
      pos_ = 0;
      len_ = static_cast<std::size_t>(n);
    }
    std::size_t n = std::min(size, len_ - pos_);
    std::copy_n(buf_ + pos_, n, ptr);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  // Partial writes are fine (httplib loops); MSG_DONTWAIT keeps a client
  // that stops reading subject to the write timeout.
  ssize_t write(const char* ptr, size_t size) override {
    for (;;) {
      if (!is_writable()) return -1;
      ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) return n;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      SockAddrToIpPort(addr, ip, port);
    }
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      SockAddrToIpPort(addr, ip, port);
    }
  }

  socket_t socket() const override { return fd_; }

 private:
  ssize_t Recv(char* ptr, std::size_t size) {
    for (;;) {
      ssize_t n = ::recv(fd_, ptr, size, 0);
      if (n >= 0 || errno != EINTR) return n;
    }
  }

  const int fd_;
  const int read_timeout_ms_;
  const int write_timeout_ms_;
  char buf_[16 * 1024];
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
};

}  // namespace

bool PollFd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    int r = ::poll(&p, 1, timeout_ms);
    if (r >= 0) return r > 0;
    if (errno != EINTR) return true;  // Let the following call report it.
  }
}

int BindLoopback(int type_flags, int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | type_flags, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind(127.0.0.1:0) failed");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

httplib::TaskQueue* NewGrowingTaskQueue(std::size_t max_threads) {
  return new GrowingTaskQueue(max_threads);
}

RawListener::RawListener(Mode mode) : mode_(mode) {
  listen_fd_ = BindLoopback(SOCK_NONBLOCK, port_);
  if (::listen(listen_fd_, kListenBacklog) != 0 || ::pipe2(wake_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("raw listener setup failed");
  }
  thread_ = std::thread([this] { Run(); });
}

RawListener::~RawListener() {
  char byte = 0;
  while (::write(wake_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  ::close(wake_[0]);
  ::close(wake_[1]);
  ::close(listen_fd_);
}

void RawListener::Run() {
  std::vector<Connection> conns;
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wake_[0], POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const auto& c : conns) fds.push_back({c.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) break;
    // Service existing connections first: indices in fds match conns now.
    std::vector<Connection> keep;
    for (std::size_t i = 0; i < conns.size(); ++i) {
      if (fds[i + 2].revents == 0 || ServiceReadable(conns[i])) {
        keep.push_back(std::move(conns[i]));
      } else {
        ::close(conns[i].fd);
      }
    }
    conns.swap(keep);
    if (fds[1].revents != 0) {
      for (;;) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) break;
        conns.push_back({fd, {}});
      }
    }
  }
  for (const auto& c : conns) ::close(c.fd);
}

bool RawListener::ServiceReadable(Connection& c) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(c.fd, buf, sizeof(buf), 0);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (mode_ == Mode::kDrop) {
      c.head.append(buf, static_cast<std::size_t>(n));
      if (c.head.find("\r\n\r\n") != std::string::npos || c.head.size() > 64 * 1024) {
        return false;
      }
    }
  }
}

}  // namespace test_server_internal

using test_server_internal::PollFd;
using test_server_internal::SocketStream;
using test_server_internal::tls_connection;

bool TestServer::Impl::HttpServer::process_and_close_socket(socket_t sock) {
  // httplib's accept() leaves the socket inheritable; a child spawned by a
  // test must not keep our connections alive.
  ::fcntl(sock, F_SETFD, FD_CLOEXEC);
  bool ok = false;
  if (owner_.RegisterConnection(sock)) {
    ConnectionContext ctx;
    ctx.fd = sock;
    tls_connection = &ctx;
    SocketStream strm(sock, static_cast<int>(read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000),
                      static_cast<int>(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000));
    const int keep_alive_ms = static_cast<int>(keep_alive_timeout_sec_ * 1000);
    for (std::size_t left = keep_alive_max_count_; left > 0; --left) {
      if (!PollFd(sock, POLLIN, keep_alive_ms)) break;  // Idle too long.
      bool connection_closed = false;
      ok = process_request(strm, left == 1, connection_closed,
                           [&](httplib::Request& req) { owner_.BeginRequest(req, ctx); });
      owner_.EndRequest(ctx);
      if (!ok || connection_closed) break;
    }
    tls_connection = nullptr;
    owner_.UnregisterConnection(sock);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace fetchpool::testing
