#pragma once

#include <curl/curl.h>
#include <poll.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

#include "fetchpool/util/stop_wakeup.hpp"

namespace fetchpool {

namespace detail {
struct MultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
}  // namespace detail

// Move-only owner of a libcurl multi handle.
using MultiHandle = std::unique_ptr<CURLM, detail::MultiDeleter>;

// curl_easy_perform for one worker, driven through the worker's own multi handle with
// curl_multi_socket_action and one poll() of its own per wait. curl_easy_perform polls three
// times per request on a reused connection (its wake-up pipe, the liveness check, the answer);
// this polls twice, and the stop's eventfd is in the same poll, so a stop wakes the transfer at
// once. Still one blocking transfer at a time: the worker's thread does nothing else meanwhile.
// The connections it keeps for reuse live in its multi handle, as they lived in the easy handle's
// own one before.
// Thread-compatible: one per worker thread; the stop may come from any thread.
class SocketPerformer {
 public:
  // `max_connections`: how many the multi handle keeps open for reuse (CURLMOPT_MAXCONNECTS).
  SocketPerformer(std::stop_token stop, long max_connections);
  SocketPerformer(const SocketPerformer&) = delete;
  SocketPerformer& operator=(const SocketPerformer&) = delete;
  ~SocketPerformer();

  // Performs the transfer `easy` is set up for. `idle` is called after each second without any
  // network activity; returning false aborts the transfer (CURLE_ABORTED_BY_CALLBACK), as a
  // progress callback would. A stop request aborts it the same way.
  CURLcode Perform(CURL* easy, const std::function<bool()>& idle);

 private:
  static int OnSocket(CURL*, curl_socket_t fd, int what, void* self, void*);
  static int OnTimer(CURLM*, long timeout_ms, void* self);
  // The next wait for poll(): until libcurl's timer, at most a second; and whether the wait ends
  // on libcurl's timer.
  int NextTimeout(bool& for_libcurl) const;
  // Waits once and tells libcurl what happened; false when the transfer must end (a stop, or
  // `idle` said so).
  bool Step(const std::function<bool()>& idle);

  std::stop_token stop_;
  StopWakeup wakeup_;
  MultiHandle multi_;
  std::vector<pollfd> fds_;  // [0] is the stop's eventfd, then libcurl's sockets
  // When libcurl's timer fires; nullopt while it has none.
  std::optional<std::chrono::steady_clock::time_point> timer_;
};

}  // namespace fetchpool
