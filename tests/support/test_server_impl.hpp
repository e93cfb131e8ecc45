// TestServer's insides, shared by the files that implement it: test_server.cpp
// (bookkeeping and the public methods), test_server_connections.cpp (sockets,
// threads and the raw listeners) and one test_server_*_routes.cpp per route
// family. Tests include test_server.hpp, never this.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/test_server.hpp"

namespace fetchpool::testing {
namespace test_server_internal {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline constexpr char kOctetStream[] = "application/octet-stream";
inline constexpr char kTextPlain[] = "text/plain";
inline constexpr std::size_t kChunk = 64 * 1024;
// Upper bound on server worker threads; far above what any test opens.
inline constexpr std::size_t kMaxWorkers = 1024;
// httplib 0.11 listens with a backlog of 5; a burst of parallel connects would
// overflow it and the kernel would make clients retry SYNs after a second.
inline constexpr int kListenBacklog = 1024;

// kChunk bytes of 'x', built once so large bodies are streamed without allocating them.
const std::string& Xs();

// A whole decimal number, nothing else.
bool ParseU64(std::string_view text, std::uint64_t& out);
// Query parameter as a number, or fallback when absent; false if malformed.
bool U64Param(const httplib::Request& req, const char* name, std::uint64_t fallback,
              std::uint64_t& out);
// Clamped so absurd values cannot overflow steady_clock arithmetic.
milliseconds Millis(std::uint64_t ms);
// ASCII only.
std::string Lower(std::string_view s);
// 400 with why as the body.
void BadRequest(httplib::Response& res, std::string_view why);

// Waits for events on fd; true if something (including hangup/error) is
// pending, false on timeout.
bool PollFd(int fd, short events, int timeout_ms);
// A TCP socket bound to 127.0.0.1 on an ephemeral port (stored in port).
// Throws std::runtime_error on failure.
int BindLoopback(int type_flags, int& port);
// httplib task queue that grows a thread per open connection, up to max_threads.
httplib::TaskQueue* NewGrowingTaskQueue(std::size_t max_threads);

// Per-connection data shared between our connection loop and the handlers,
// which httplib runs on the same worker thread.
struct ConnectionContext {
  int fd = -1;
  // Request headers as received, before we strip Accept-Encoding.
  httplib::Headers request_headers;
  bool counted = false;
  std::string host;
};
// The connection the calling worker thread is serving, or null.
// constinit: no TLS wrapper call per access (GCC 12 -O2 with UBSan flags its stores as null).
extern constinit thread_local ConnectionContext* tls_connection;

// Plain TCP listener that misbehaves below HTTP: kDrop reads a request head
// and closes without a byte of reply, kStall keeps connections open and
// silent. One poll() thread serves all its connections.
// Thread-safety: port() from any thread; everything else is internal.
class RawListener {
 public:
  enum class Mode { kDrop, kStall };

  explicit RawListener(Mode mode);
  ~RawListener();
  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;

  int port() const { return port_; }

 private:
  struct Connection {
    int fd;
    std::string head;  // kDrop: bytes seen so far, to spot the blank line.
  };

  void Run();
  // Reads what is available; false when the connection should be closed.
  bool ServiceReadable(Connection& c);

  const Mode mode_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace test_server_internal

// Thread-safety: counters and flaky state are guarded by mu_; stopping_ is
// atomic; the HTTP server and raw listeners are internally synchronised.
class TestServer::Impl {
 public:
  using Clock = test_server_internal::Clock;
  using ConnectionContext = test_server_internal::ConnectionContext;
  using RawListener = test_server_internal::RawListener;
  using milliseconds = std::chrono::milliseconds;

  Impl();
  ~Impl();

  int port() const { return port_; }
  int drop_port() const { return drop_.port(); }
  int stall_port() const { return stall_.port(); }

  int in_flight() const;
  int max_in_flight() const;
  int max_in_flight_for_host(std::string_view host) const;
  bool WaitUntilIdle(milliseconds timeout) const;
  std::size_t request_count() const;
  std::vector<Clock::time_point> request_times() const;
  std::vector<std::string> request_paths() const;
  void ResetCounters();

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

  // One per route family, each in its own test_server_*_routes.cpp.
  void RegisterBodyRoutes();
  void RegisterStatusRoutes();
  void RegisterTimingRoutes();
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

}  // namespace fetchpool::testing
