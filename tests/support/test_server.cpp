#include "support/test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>

#if defined(__SANITIZE_THREAD__)
#define FETCHPOOL_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FETCHPOOL_TEST_TSAN 1
#endif
#endif

#ifdef FETCHPOOL_TEST_TSAN
// The Debian httplib .so is not instrumented: TSan sees its memcpy/memcmp
// calls but not the double-checked guard of its function-local statics (e.g.
// the method set in parse_request_line), and reports races between two
// workers that are not there. Ignore interceptors called from httplib, and
// races whose stack passes through it (its route regexes run libstdc++'s
// instrumented std::regex code on memory httplib's uninstrumented code hands
// between threads). fetchpool's own code never runs under httplib frames.
extern "C" const char* __tsan_default_suppressions() {
  return "called_from_lib:libcpp-httplib.so\nrace:libcpp-httplib.so\n";
}
#endif

namespace fetchpool::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kOctetStream[] = "application/octet-stream";
constexpr char kTextPlain[] = "text/plain";
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kEndlessChunk = 16 * 1024;
// Upper bound on server worker threads; far above what any test opens.
constexpr std::size_t kMaxWorkers = 1024;
// httplib 0.11 listens with a backlog of 5; a burst of parallel connects would
// overflow it and the kernel would make clients retry SYNs after a second.
constexpr int kListenBacklog = 1024;

// Pre-built buffers so large bodies are streamed without allocating them.
const std::string& Xs() {
  static const std::string* const xs = new std::string(kChunk, 'x');
  return *xs;
}

// 'a'..'z' repeated; starting at index (pos % 26) yields kChunk bytes of the
// /range pattern for any absolute position pos.
const std::string& Alphabet() {
  static const std::string* const alphabet = [] {
    auto* s = new std::string(kChunk + 26, '\0');
    for (std::size_t i = 0; i < s->size(); ++i) (*s)[i] = static_cast<char>('a' + i % 26);
    return s;
  }();
  return *alphabet;
}

bool ParseU64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

// Query parameter as a number, or fallback when absent; false if malformed.
bool U64Param(const httplib::Request& req, const char* name, std::uint64_t fallback,
              std::uint64_t& out) {
  if (!req.has_param(name)) {
    out = fallback;
    return true;
  }
  return ParseU64(req.get_param_value(name), out);
}

// Clamped so absurd values cannot overflow steady_clock arithmetic.
milliseconds Millis(std::uint64_t ms) {
  constexpr std::uint64_t kDay = 24 * 3600 * 1000;
  return milliseconds(static_cast<milliseconds::rep>(std::min(ms, kDay)));
}

bool HexDecode(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || ptr != hex.data() + i + 2) return false;
    out.push_back(static_cast<char>(value));
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "host:port" -> "host", "[::1]:port" -> "[::1]", lower-cased.
std::string HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return Lower(host.substr(0, close == std::string_view::npos ? host.size() : close + 1));
  }
  auto colon = host.rfind(':');
  return Lower(host.substr(0, colon));
}

// httplib stores these pseudo headers in Request::headers; they were not sent.
bool IsInjectedHeader(const std::string& name) {
  for (const char* injected : {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"}) {
    if (::strcasecmp(name.c_str(), injected) == 0) return true;
  }
  return false;
}

void BadRequest(httplib::Response& res, std::string_view why) {
  res.status = 400;
  res.set_content(std::string(why) + "\n", kTextPlain);
}

// Body of `length` bytes starting at absolute position `first` of either the
// all-'x' or the alphabet pattern, streamed in chunks when large.
void SetPatternBody(httplib::Response& res, std::uint64_t first, std::uint64_t length,
                    bool alphabet) {
  auto chunk_at = [alphabet](std::uint64_t pos) {
    return alphabet ? Alphabet().data() + pos % 26 : Xs().data();
  };
  if (length <= kChunk) {
    res.set_content(std::string(chunk_at(first), length), kOctetStream);
    return;
  }
  res.set_content_provider(
      length, kOctetStream,
      [first, chunk_at](std::size_t offset, std::size_t left, httplib::DataSink& sink) {
        return sink.write(chunk_at(first + offset), std::min(left, kChunk));
      });
}

// Per-connection data shared between our connection loop and the handlers,
// which httplib runs on the same worker thread.
struct ConnectionContext {
  int fd = -1;
  // Request headers as received, before we strip Accept-Encoding.
  httplib::Headers request_headers;
  bool counted = false;
  std::string host;
};
thread_local ConnectionContext* tls_connection = nullptr;

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

// Waits for events on fd; true if something (including hangup/error) is
// pending, false on timeout.
bool PollFd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    int r = ::poll(&p, 1, timeout_ms);
    if (r >= 0) return r > 0;
    if (errno != EINTR) return true;  // Let the following call report it.
  }
}

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

// Plain TCP listener that misbehaves below HTTP: kDrop reads a request head
// and closes without a byte of reply, kStall keeps connections open and
// silent. One poll() thread serves all its connections.
// Thread-safety: port() from any thread; everything else is internal.
class RawListener {
 public:
  enum class Mode { kDrop, kStall };

  explicit RawListener(Mode mode) : mode_(mode) {
    listen_fd_ = BindLoopback(SOCK_NONBLOCK, port_);
    if (::listen(listen_fd_, kListenBacklog) != 0 || ::pipe2(wake_, O_CLOEXEC) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error("raw listener setup failed");
    }
    thread_ = std::thread([this] { Run(); });
  }

  ~RawListener() {
    char byte = 0;
    while (::write(wake_[1], &byte, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
    ::close(wake_[0]);
    ::close(wake_[1]);
    ::close(listen_fd_);
  }

  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;

  int port() const { return port_; }

 private:
  struct Connection {
    int fd;
    std::string head;  // kDrop: bytes seen so far, to spot the blank line.
  };

  void Run() {
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

  // Reads what is available; false when the connection should be closed.
  bool ServiceReadable(Connection& c) {
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

  const Mode mode_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace

// Thread-safety: counters and flaky state are guarded by mu_; stopping_ is
// atomic; the HTTP server and raw listeners are internally synchronised.
class TestServer::Impl {
 public:
  Impl();
  ~Impl();

  int port() const { return port_; }
  int drop_port() const { return drop_.port(); }
  int stall_port() const { return stall_.port(); }

  int in_flight() const {
    std::lock_guard<std::mutex> lock(mu_);
    return in_flight_;
  }
  int max_in_flight() const {
    std::lock_guard<std::mutex> lock(mu_);
    return max_in_flight_;
  }
  int max_in_flight_for_host(std::string_view host) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = host_max_in_flight_.find(Lower(host));
    return it == host_max_in_flight_.end() ? 0 : it->second;
  }
  bool WaitUntilIdle(milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(mu_);
    return idle_cv_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
  }
  std::size_t request_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return request_paths_.size();
  }
  std::vector<Clock::time_point> request_times() const {
    std::lock_guard<std::mutex> lock(mu_);
    return request_times_;
  }
  std::vector<std::string> request_paths() const {
    std::lock_guard<std::mutex> lock(mu_);
    return request_paths_;
  }
  void ResetCounters() {
    std::lock_guard<std::mutex> lock(mu_);
    max_in_flight_ = in_flight_;
    host_max_in_flight_.clear();
    for (const auto& [host, n] : host_in_flight_) {
      if (n > 0) host_max_in_flight_[host] = n;
    }
    request_times_.clear();
    request_paths_.clear();
    flaky_counts_.clear();
  }

 private:
  // httplib::Server with our own per-connection loop: httplib 0.11 waits up
  // to the keep-alive timeout (5 s) on idle connections after stop(), and
  // offers no way to reach a connection's socket from a handler.
  class HttpServer : public httplib::Server {
   public:
    explicit HttpServer(Impl& owner) : owner_(owner) {}
    int listen_fd() const { return svr_sock_; }

   private:
    bool process_and_close_socket(socket_t sock) override;
    Impl& owner_;
  };

  void RegisterRoutes();
  bool RegisterConnection(int fd);
  void UnregisterConnection(int fd);
  void BeginRequest(httplib::Request& req, ConnectionContext& ctx);
  void EndRequest(ConnectionContext& ctx);
  // Sleeps for d; false early if the server stops or the client hangs up.
  bool Pause(int fd, milliseconds d) const;

  void HandleStatus(const httplib::Request& req, httplib::Response& res);
  void HandleFlaky(const httplib::Request& req, httplib::Response& res);
  void HandleRange(const httplib::Request& req, httplib::Response& res);

  HttpServer http_{*this};
  int port_ = 0;
  std::thread listen_thread_;
  std::atomic<bool> listen_returned_{false};
  std::atomic<bool> stopping_{false};
  RawListener drop_{RawListener::Mode::kDrop};
  RawListener stall_{RawListener::Mode::kStall};

  mutable std::mutex mu_;
  mutable std::condition_variable idle_cv_;  // Signalled when in_flight_ hits 0.
  std::set<int> live_fds_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  std::map<std::string, int, std::less<>> host_in_flight_;
  std::map<std::string, int, std::less<>> host_max_in_flight_;
  std::vector<Clock::time_point> request_times_;
  std::vector<std::string> request_paths_;
  std::map<std::string, std::uint64_t> flaky_counts_;
};

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

TestServer::Impl::Impl() {
  http_.new_task_queue = [] { return new GrowingTaskQueue(kMaxWorkers); };
  http_.set_tcp_nodelay(true);  // Drip bytes must not wait for Nagle.
  http_.set_keep_alive_max_count(100);
  RegisterRoutes();
  // httplib 0.11 adds "Accept-Ranges: bytes" to every HEAD response (before
  // this hook runs); only /range honours Range, so say so everywhere else.
  http_.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/range/", 0) == 0) return;
    res.headers.erase("Accept-Ranges");
    res.set_header("Accept-Ranges", "none");
  });
  port_ = http_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("TestServer: cannot bind 127.0.0.1");
  ::listen(http_.listen_fd(), kListenBacklog);  // Re-listen only widens the queue.
  listen_thread_ = std::thread([this] {
    http_.listen_after_bind();
    listen_returned_ = true;
  });
  // Server::stop() is a no-op until the listen loop is running.
  while (!http_.is_running() && !listen_returned_) {
    std::this_thread::sleep_for(milliseconds(1));
  }
}

TestServer::Impl::~Impl() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    // Wakes every worker blocked in poll/recv/send on its connection, so
    // sleeping and streaming handlers and idle keep-alives end at once.
    for (int fd : live_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  http_.stop();
  listen_thread_.join();
}

bool TestServer::Impl::RegisterConnection(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return false;
  live_fds_.insert(fd);
  return true;
}

void TestServer::Impl::UnregisterConnection(int fd) {
  // Under mu_ so the destructor never shuts down a descriptor number that
  // has already been closed and reused.
  std::lock_guard<std::mutex> lock(mu_);
  live_fds_.erase(fd);
}

void TestServer::Impl::BeginRequest(httplib::Request& req, ConnectionContext& ctx) {
  ctx.request_headers.clear();
  for (const auto& [name, value] : req.headers) {
    if (!IsInjectedHeader(name)) ctx.request_headers.emplace(name, value);
  }
  // Without Accept-Encoding httplib never compresses, so bodies are byte-exact.
  req.headers.erase("Accept-Encoding");
  // httplib would slice every body by Range on its own; /range does it itself.
  req.ranges.clear();
  ctx.host = HostWithoutPort(req.get_header_value("Host"));
  ctx.counted = true;
  std::lock_guard<std::mutex> lock(mu_);
  max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  int& host_now = host_in_flight_[ctx.host];
  int& host_max = host_max_in_flight_[ctx.host];
  host_max = std::max(host_max, ++host_now);
  request_times_.push_back(Clock::now());
  request_paths_.push_back(req.target);
}

void TestServer::Impl::EndRequest(ConnectionContext& ctx) {
  if (!ctx.counted) return;  // httplib rejected it before BeginRequest.
  ctx.counted = false;
  std::lock_guard<std::mutex> lock(mu_);
  --host_in_flight_[ctx.host];
  if (--in_flight_ == 0) idle_cv_.notify_all();
}

bool TestServer::Impl::Pause(int fd, milliseconds d) const {
  const auto deadline = Clock::now() + d;
  for (;;) {
    if (stopping_) return false;
    // Round up: a truncated remainder would end the pause early.
    auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return true;
    // POLLRDHUP only: a pipelined next request (POLLIN) is not a hangup. The
    // destructor's shutdown() makes this report POLLHUP immediately.
    if (PollFd(fd, POLLRDHUP, static_cast<int>(std::min<std::int64_t>(left.count(), 100)))) {
      return false;
    }
  }
}

void TestServer::Impl::RegisterRoutes() {
  using httplib::Request;
  using httplib::Response;

  http_.Get(R"(/size/(\d+))", [](const Request& req, Response& res) {
    std::uint64_t n = 0;
    if (!ParseU64(req.matches[1].str(), n)) return BadRequest(res, "bad size");
    res.status = 200;
    SetPatternBody(res, 0, n, /*alphabet=*/false);
  });

  http_.Get(R"(/status/(\d+))",
            [this](const Request& req, Response& res) { HandleStatus(req, res); });

  http_.Get(R"(/delay/(\d+))", [this](const Request& req, Response& res) {
    std::uint64_t ms = 0;
    if (!ParseU64(req.matches[1].str(), ms)) return BadRequest(res, "bad delay");
    Pause(tls_connection->fd, Millis(ms));
    res.status = 200;
    res.set_content("ok", kTextPlain);
  });

  http_.Get(R"(/redirect/(\d+))", [](const Request& req, Response& res) {
    std::uint64_t n = 0;
    if (!ParseU64(req.matches[1].str(), n)) return BadRequest(res, "bad count");
    if (n == 0) {
      res.status = 200;
      res.set_content("done", kTextPlain);
      return;
    }
    res.status = 302;
    res.set_header("Location", "/redirect/" + std::to_string(n - 1));
    res.set_content("redirect", kTextPlain);
  });

  http_.Get("/redirect-to", [](const Request& req, Response& res) {
    if (!req.has_param("url")) return BadRequest(res, "missing url");
    res.status = 302;
    res.set_header("Location", req.get_param_value("url"));
    res.set_content("redirect", kTextPlain);
  });

  http_.Get("/truncated", [](const Request&, Response& res) {
    res.status = 200;
    res.set_content_provider(1000, kOctetStream,
                             [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               // Returning false makes httplib abandon the response and we close.
                               if (offset >= 100) return false;
                               return sink.write(Xs().data(), 100 - offset);
                             });
  });

  http_.Get("/drip", [this](const Request& req, Response& res) {
    std::uint64_t bytes = 0;
    std::uint64_t interval_ms = 0;
    if (!U64Param(req, "bytes", 10, bytes) || !U64Param(req, "interval_ms", 100, interval_ms)) {
      return BadRequest(res, "bad drip parameters");
    }
    const int fd = tls_connection->fd;
    auto sent = std::make_shared<std::uint64_t>(0);
    res.status = 200;
    res.set_chunked_content_provider(
        kOctetStream, [this, fd, bytes, interval_ms, sent](std::size_t, httplib::DataSink& sink) {
          if (*sent == bytes) {
            sink.done();
            return true;
          }
          if (*sent > 0 && !Pause(fd, Millis(interval_ms))) return false;
          ++*sent;
          return sink.write("x", 1);
        });
  });

  http_.Get("/stall-after-headers", [this](const Request&, Response& res) {
    const int fd = tls_connection->fd;
    res.status = 200;
    // httplib calls the provider again while it returns true without data.
    res.set_chunked_content_provider(kOctetStream, [this, fd](std::size_t, httplib::DataSink&) {
      return Pause(fd, milliseconds(1000));
    });
  });

  http_.Get("/endless", [this](const Request&, Response& res) {
    res.status = 200;
    res.set_chunked_content_provider(kOctetStream, [this](std::size_t, httplib::DataSink& sink) {
      return !stopping_ && sink.write(Xs().data(), kEndlessChunk);
    });
  });

  auto echo_headers = [](const Request& req, Response& res) {
    std::string body = req.method + " " + req.target + "\n";
    for (const auto& [name, value] : tls_connection->request_headers) {
      body += name + ": " + value + "\n";
    }
    res.status = 200;
    res.set_content(body, kTextPlain);
  };
  http_.Get("/headers", echo_headers);
  http_.Post("/headers", echo_headers);
  http_.Put("/headers", echo_headers);
  http_.Delete("/headers", echo_headers);
  http_.Options("/headers", echo_headers);

  http_.Get("/flaky", [this](const Request& req, Response& res) { HandleFlaky(req, res); });

  http_.Get("/no-head", [](const Request& req, Response& res) {
    if (req.method == "HEAD") {
      res.status = 405;
      res.set_header("Allow", "GET");
      res.set_content("method not allowed\n", kTextPlain);
      return;
    }
    res.status = 200;
    res.set_content("body", kTextPlain);
  });

  http_.Get("/content-disposition", [](const Request& req, Response& res) {
    if (!req.has_param("name")) return BadRequest(res, "missing name");
    res.status = 200;
    // Deliberately unescaped: tests feed hostile names such as "../x".
    res.set_header("Content-Disposition",
                   "attachment; filename=\"" + req.get_param_value("name") + "\"");
    res.set_content("cd", kTextPlain);
  });

  http_.Get(R"(/range/(\d+))",
            [this](const Request& req, Response& res) { HandleRange(req, res); });

  http_.Get(R"(/norange/(\d+))", [](const Request& req, Response& res) {
    std::uint64_t n = 0;
    if (!ParseU64(req.matches[1].str(), n)) return BadRequest(res, "bad size");
    res.status = 200;
    SetPatternBody(res, 0, n, /*alphabet=*/true);
  });

  http_.Get("/bytes", [](const Request& req, Response& res) {
    std::string body;
    if (!HexDecode(req.get_param_value("hex"), body)) return BadRequest(res, "bad hex");
    res.status = 200;
    res.set_content(body, kOctetStream);
  });
}

void TestServer::Impl::HandleStatus(const httplib::Request& req, httplib::Response& res) {
  std::uint64_t status = 0;
  if (!ParseU64(req.matches[1].str(), status) || status < 100 || status > 999) {
    return BadRequest(res, "bad status");
  }
  res.status = static_cast<int>(status);
  if (req.has_param("retry_after"))
    res.set_header("Retry-After", req.get_param_value("retry_after"));
  // These statuses must not carry a body.
  if (status < 200 || status == 204 || status == 304) return;
  res.set_content("status " + std::to_string(status) + "\n", kTextPlain);
}

void TestServer::Impl::HandleFlaky(const httplib::Request& req, httplib::Response& res) {
  std::uint64_t fails = 0;
  std::uint64_t status = 0;
  if (!U64Param(req, "fails", 1, fails) || !U64Param(req, "status", 503, status) || status < 200 ||
      status > 999) {
    return BadRequest(res, "bad flaky parameters");
  }
  std::uint64_t seen = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seen = ++flaky_counts_[req.get_param_value("key")];
  }
  if (seen > fails) {
    res.status = 200;
    res.set_content("ok", kTextPlain);
    return;
  }
  res.status = static_cast<int>(status);
  if (req.has_param("retry_after"))
    res.set_header("Retry-After", req.get_param_value("retry_after"));
  res.set_content("flaky failure " + std::to_string(seen) + "\n", kTextPlain);
}

void TestServer::Impl::HandleRange(const httplib::Request& req, httplib::Response& res) {
  std::uint64_t n = 0;
  if (!ParseU64(req.matches[1].str(), n)) return BadRequest(res, "bad size");
  res.set_header("Accept-Ranges", "bytes");
  std::uint64_t first = 0;
  std::uint64_t last = n == 0 ? 0 : n - 1;
  bool partial = false;
  bool unsatisfiable = false;
  // Single "bytes=a-", "bytes=a-b" or "bytes=-suffix"; anything else (several
  // ranges, other units, garbage) is ignored as RFC 9110 allows.
  const std::string header = req.get_header_value("Range");
  std::string_view spec = header;
  constexpr std::string_view kUnit = "bytes=";
  if (spec.substr(0, kUnit.size()) == kUnit && spec.find(',') == std::string_view::npos) {
    spec.remove_prefix(kUnit.size());
    auto dash = spec.find('-');
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    if (dash == 0 && ParseU64(spec.substr(1), b)) {
      partial = true;
      unsatisfiable = b == 0 || n == 0;
      first = n - std::min(b, n);
    } else if (dash != std::string_view::npos && ParseU64(spec.substr(0, dash), a)) {
      std::string_view tail = spec.substr(dash + 1);
      if (tail.empty() || (ParseU64(tail, b) && b >= a)) {
        partial = true;
        unsatisfiable = a >= n;
        first = a;
        if (!tail.empty()) last = std::min(b, last);
      }
    }
  }
  if (unsatisfiable) {
    res.status = 416;
    res.set_header("Content-Range", "bytes */" + std::to_string(n));
    return;
  }
  res.status = partial ? 206 : 200;
  if (partial) {
    res.set_header("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(last) +
                                        "/" + std::to_string(n));
  }
  SetPatternBody(res, first, n == 0 ? 0 : last - first + 1, /*alphabet=*/true);
}

TestServer::TestServer() : impl_(std::make_unique<Impl>()) {}
TestServer::~TestServer() = default;

int TestServer::port() const { return impl_->port(); }

std::string TestServer::url(std::string_view path) const { return url_for_host("127.0.0.1", path); }

std::string TestServer::url_for_host(std::string_view host, std::string_view path) const {
  std::string out = "http://";
  out += host;
  out += ":" + std::to_string(port());
  out += path;
  return out;
}

int TestServer::in_flight() const { return impl_->in_flight(); }
int TestServer::max_in_flight() const { return impl_->max_in_flight(); }
int TestServer::max_in_flight_for_host(std::string_view host) const {
  return impl_->max_in_flight_for_host(host);
}
bool TestServer::WaitUntilIdle(std::chrono::milliseconds timeout) const {
  return impl_->WaitUntilIdle(timeout);
}
std::size_t TestServer::request_count() const { return impl_->request_count(); }
std::vector<std::chrono::steady_clock::time_point> TestServer::request_times() const {
  return impl_->request_times();
}
std::vector<std::string> TestServer::request_paths() const { return impl_->request_paths(); }
void TestServer::ResetCounters() { impl_->ResetCounters(); }
int TestServer::drop_port() const { return impl_->drop_port(); }
int TestServer::stall_port() const { return impl_->stall_port(); }

int RefusedPort() {
  int port = 0;
  // Bound but never listening: the kernel answers SYNs with RST, and keeping
  // the descriptor open (intentionally leaked) stops anything reusing the port.
  BindLoopback(0, port);
  return port;
}

}  // namespace fetchpool::testing
