// Loopback HTTP server with misbehaving endpoints, used by integration tests
// and by the fetchpool-testserver demo binary.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fetchpool::testing {

// Serves on 127.0.0.1 (ephemeral port) until destroyed. Endpoints (GET; HEAD
// reuses the GET handler and drops the body):
//   /size/N                      200, N bytes of 'x' with Content-Length.
//   /status/N[?retry_after=V]    status N, short body, optional Retry-After: V.
//   /delay/MS                    sleeps MS ms, then 200 "ok".
//   /redirect/N                  302 to /redirect/N-1; /redirect/0 is 200 "done".
//   /redirect-to?url=U           302 to U verbatim (any scheme).
//   /truncated                   Content-Length 1000, 100 bytes, then close.
//   /drip?bytes=N&interval_ms=M  chunked, one byte every M ms.
//   /stall-after-headers         chunked headers, then silence.
//   /endless                     chunked 16 KiB chunks until the client leaves.
//   /headers                     text/plain echo: "METHOD TARGET" then the
//                                request headers as "Name: value" lines, in
//                                case-insensitive name order.
//   /flaky?key=K&fails=N[&status=S][&retry_after=V]
//                                first N requests per key get S (503), then 200.
//   /no-head                     405 on HEAD, 200 "body" on GET.
//   /content-disposition?name=F  attachment; filename="F" (F decoded, raw).
//   /range/N                     N bytes ('a' + i % 26) honouring a single
//                                Range (206 + Content-Range, 416 if outside).
//   /norange/N                   same bytes, always 200 full.
//   /bytes?hex=HEX               exactly the decoded bytes.
// Responses are never compressed (Accept-Encoding is still echoed by
// /headers) so byte counts seen by clients match the endpoint description.
// Every request sleeping or streaming notices destruction within a few ms,
// and so does one whose client hangs up. Only /range honours Range (httplib
// would otherwise slice every body itself); other responses say
// "Accept-Ranges: none". A Range header httplib cannot parse is answered 416
// before any handler runs and is not counted.
//
// Thread-safety: all const methods and ResetCounters() may be called from any
// thread while requests are being served.
class TestServer {
 public:
  // Throws std::runtime_error if a socket cannot be bound.
  TestServer();
  ~TestServer();

  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const;
  // "http://127.0.0.1:PORT" + path.
  std::string url(std::string_view path) const;
  // Same port under another host name, e.g. "localhost", for per-host limits.
  std::string url_for_host(std::string_view host, std::string_view path) const;

  // Requests whose response (including a streamed body) is still being sent.
  // The server finishes its bookkeeping just after the client has seen the
  // last byte, so after a client returns use WaitUntilIdle, not in_flight().
  int in_flight() const;
  // True once nothing is in flight, false if timeout passes first.
  bool WaitUntilIdle(std::chrono::milliseconds timeout) const;
  int max_in_flight() const;
  // Peak in-flight count among requests whose Host header, minus ":port",
  // equals host.
  int max_in_flight_for_host(std::string_view host) const;
  std::size_t request_count() const;
  // Counts, times and paths are recorded before a response starts, so they
  // are complete as soon as the client has its answer.
  // Arrival time (headers parsed) of every request, in arrival order.
  std::vector<std::chrono::steady_clock::time_point> request_times() const;
  // Request target of every request as sent (path plus raw query string).
  std::vector<std::string> request_paths() const;
  // Clears counts, times, paths, peaks (down to what is in flight now) and the
  // per-key /flaky counters.
  void ResetCounters();

  // Raw TCP port that reads a request and closes without replying.
  int drop_port() const;
  // Raw TCP port that accepts and never replies.
  int stall_port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// A 127.0.0.1 port on which connections are refused. The port stays bound
// (never listening) for the life of the process so nothing else can take it.
int RefusedPort();

}  // namespace fetchpool::testing
