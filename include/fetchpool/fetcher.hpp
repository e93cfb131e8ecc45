#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "fetchpool/body_saver.hpp"
#include "fetchpool/curl_handles.hpp"
#include "fetchpool/expectations.hpp"
#include "fetchpool/job.hpp"
#include "fetchpool/output_dir.hpp"
#include "fetchpool/status_set.hpp"

namespace fetchpool {

// Per-transfer settings shared by every worker.
struct FetchOptions {
  double connect_timeout_s = 10.0;
  double timeout_s = 0.0;  // 0 = no total limit
  double stall_timeout_s = 30.0;
  int max_redirects = 10;
  std::string user_agent;                 // empty: no User-Agent header
  bool collect_details = false;           // effective URL, IP and phase timings in every Result
  const OutputDir* output_dir = nullptr;  // -o: save bodies there (must outlive the Fetchers)
  std::vector<std::string> headers;       // -H lines, as curl takes them ("Name: value", "Name:")
  std::string user;                       // -u USER:PASSWORD; empty for none
  std::optional<StatusSet> accept;        // statuses that count as ok; nullopt: below 400
  bool follow = true;                     // follow redirects
  bool insecure = false;                  // skip TLS certificate and host name verification
  std::string cacert;                     // CA bundle file; empty: libcurl's default
  std::string proxy;                      // empty: libcurl's default (the *_proxy environment)
  long http_version = 0;                  // CURLOPT_HTTP_VERSION; 0: libcurl's default
  std::uint64_t max_size = 0;             // largest body accepted; 0: no limit
  bool head = false;                      // --head: workers ask for Method::kHead
};

enum class Method { kGet, kHead };

// Performs transfers on one reused easy handle (which is where connection reuse comes from).
// Thread-compatible: one Fetcher per worker thread. The stop token may be triggered from any
// thread; that aborts the transfer in progress promptly and every later Fetch at once.
class Fetcher {
 public:
  // `share` (may be null) must outlive the Fetcher.
  Fetcher(const FetchOptions& options, CURLSH* share, std::stop_token stop);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Whether the handle could be created and configured; Fetch fails every job otherwise.
  bool ok() const { return static_cast<bool>(easy_); }

  // One attempt at `job`. Its elapsed time counts from job.first_start when that is set.
  Result Fetch(const Job& job, Method method = Method::kGet);

 private:
  static curl_socket_t OpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int CloseSocket(void* self, curl_socket_t fd);
  static int OnProgress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
  static size_t OnBody(char* data, size_t size, size_t count, void* self);
  static size_t OnHeader(char* data, size_t size, size_t count, void* self);
  void ShutdownSockets();
  void Describe(CURLcode code, Result& result) const;
  // `status_for_checks` is what status= sees; max-ms= sees `attempt_elapsed`.
  void Judge(const Job& job, Result& result, long status_for_checks,
             std::chrono::microseconds attempt_elapsed);
  void CollectDetails(Result& result) const;

  FetchOptions options_;
  std::stop_token stop_;
  Slist headers_;  // declared before easy_, which points at it
  EasyHandle easy_;
  char error_buffer_[CURL_ERROR_SIZE] = {};

  // State of the transfer in progress (only touched by the owning thread).
  std::uint64_t bytes_ = 0;
  // Stall guard: when the byte counts last moved, and whether the guard ended the transfer.
  std::chrono::steady_clock::time_point last_activity_;
  curl_off_t last_progress_ = -1;
  bool stalled_ = false;
  std::chrono::steady_clock::duration stall_limit_;
  bool too_large_ = false;
  std::optional<std::chrono::seconds> retry_after_;  // of the latest response
  BodyChecker checker_;
  std::unique_ptr<BodySaver> saver_;  // null unless -o: then bodies are discarded

  // Sockets libcurl has open, so a stop request from another thread can shut them down and wake
  // a transfer that is blocked waiting for the network.
  std::mutex sockets_mutex_;
  std::vector<curl_socket_t> sockets_;
  std::stop_callback<std::function<void()>> on_stop_;
};

}  // namespace fetchpool
