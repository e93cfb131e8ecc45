// TestServer: its public methods, the request bookkeeping behind them, and the
// helpers every route family shares. The routes are in test_server_*_routes.cpp.
#include "support/test_server.hpp"

#include <poll.h>
#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "fetchpool/util/text.hpp"
#include "support/test_server_impl.hpp"

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
namespace test_server_internal {

constinit thread_local ConnectionContext* tls_connection = nullptr;

const std::string& Xs() {
  static const std::string* const xs = new std::string(kChunk, 'x');
  return *xs;
}

bool ParseU64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

bool U64Param(const httplib::Request& req, const char* name, std::uint64_t fallback,
              std::uint64_t& out) {
  if (!req.has_param(name)) {
    out = fallback;
    return true;
  }
  return ParseU64(req.get_param_value(name), out);
}

milliseconds Millis(std::uint64_t ms) {
  constexpr std::uint64_t kDay = 24 * 3600 * 1000;
  return milliseconds(static_cast<milliseconds::rep>(std::min(ms, kDay)));
}

void BadRequest(httplib::Response& res, std::string_view why) {
  res.status = 400;
  res.set_content(std::string(why) + "\n", kTextPlain);
}

namespace {

// "host:port" -> "host", "[::1]:port" -> "[::1]", lower-cased.
std::string HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return AsciiLower(host.substr(0, close == std::string_view::npos ? host.size() : close + 1));
  }
  auto colon = host.rfind(':');
  return AsciiLower(host.substr(0, colon));
}

// httplib stores these pseudo headers in Request::headers; they were not sent.
bool IsInjectedHeader(const std::string& name) {
  for (const char* injected : {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"}) {
    if (::strcasecmp(name.c_str(), injected) == 0) return true;
  }
  return false;
}

}  // namespace
}  // namespace test_server_internal

using test_server_internal::BindLoopback;
using test_server_internal::HostWithoutPort;
using test_server_internal::IsInjectedHeader;
using test_server_internal::kListenBacklog;
using test_server_internal::kMaxWorkers;
using test_server_internal::Lower;
using test_server_internal::NewGrowingTaskQueue;
using test_server_internal::PollFd;

TestServer::Impl::Impl() {
  http_.new_task_queue = [] { return NewGrowingTaskQueue(kMaxWorkers); };
  http_.set_tcp_nodelay(true);  // Drip bytes must not wait for Nagle.
  http_.set_keep_alive_max_count(100);
  RegisterBodyRoutes();
  RegisterStatusRoutes();
  RegisterTimingRoutes();
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

int TestServer::Impl::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

int TestServer::Impl::max_in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_in_flight_;
}

int TestServer::Impl::max_in_flight_for_host(std::string_view host) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = host_max_in_flight_.find(AsciiLower(host));
  return it == host_max_in_flight_.end() ? 0 : it->second;
}

bool TestServer::Impl::WaitUntilIdle(milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
}

std::size_t TestServer::Impl::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return request_paths_.size();
}

std::vector<TestServer::Impl::Clock::time_point> TestServer::Impl::request_times() const {
  std::lock_guard<std::mutex> lock(mu_);
  return request_times_;
}

std::vector<std::string> TestServer::Impl::request_paths() const {
  std::lock_guard<std::mutex> lock(mu_);
  return request_paths_;
}

void TestServer::Impl::ResetCounters() {
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
