// Loopback HTTP servers that insist on good manners, for the per-host tests: each serves one
// 127.x.y.z address (so each is one host to fetchpool, which ignores ports), and all of them
// share one log of arrivals.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fetchpool::testing {

enum class RetryAfterForm { kNone, kSeconds, kDate };

struct PoliteServerOptions {
  // /limited: per host, at most this many requests at once (0: any); beyond, 429.
  int max_at_once = 0;
  // /limited: per host, a request arriving sooner than this after the previous one it let
  // through gets 429 (0: no rate).
  std::chrono::milliseconds min_interval{0};
  // What a 429 from /limited says.
  RetryAfterForm retry_after = RetryAfterForm::kSeconds;
  int retry_after_s = 1;
  // How long a request that is let through takes (then 200 "ok").
  std::chrono::milliseconds hold{20};
};

// Endpoints (GET and HEAD), on every address:
//   /limited[/ANY]   the limits above; 200 "ok" after `hold`.
//   /refuse?key=K&times=N&status=S&ra=SECS&form=seconds|date|none
//                    the first N requests (all addresses together) with key K get status S
//                    (429) with Retry-After SECS in that form (default seconds, 1); then 200.
//   /ok[/ANY]        200 "ok" after `hold`, never refused.
// Thread-safety: every const member may be called while requests are served.
class PoliteServer {
 public:
  using Clock = std::chrono::steady_clock;

  struct Arrival {
    std::string host;    // Host header without the port
    std::string target;  // path and query as sent
    Clock::time_point at;
    int status = 0;  // what it was answered
  };

  // Throws std::runtime_error when an address cannot be bound.
  PoliteServer(const std::vector<std::string>& addresses, PoliteServerOptions options);
  ~PoliteServer();
  PoliteServer(const PoliteServer&) = delete;
  PoliteServer& operator=(const PoliteServer&) = delete;

  // "http://ADDRESS:PORT" + path for the index-th address.
  std::string url(std::size_t index, std::string_view path) const;
  const std::string& address(std::size_t index) const;

  // Every request so far, in arrival order (recorded before its answer is sent).
  std::vector<Arrival> arrivals() const;
  // Arrival times of the requests to `host`.
  std::vector<Clock::time_point> arrivals_at(std::string_view host) const;
  std::size_t count(int status) const;
  // The most requests to /limited in progress at once at `host`.
  int max_at_once(std::string_view host) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fetchpool::testing
