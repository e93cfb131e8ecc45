#pragma once

#include <curl/curl.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "fetchpool/body_saver.hpp"
#include "fetchpool/curl_handles.hpp"
#include "fetchpool/expectations.hpp"
#include "fetchpool/job.hpp"
#include "fetchpool/output_dir.hpp"

namespace fetchpool {

// Per-transfer settings shared by every worker.
struct FetchOptions {
  double connect_timeout_s = 10.0;
  double timeout_s = 0.0;  // 0 = no total limit
  double stall_timeout_s = 30.0;
  int max_redirects = 10;
  std::string user_agent;
  bool collect_details = false;           // effective URL, IP and phase timings in every Result
  const OutputDir* output_dir = nullptr;  // -o: save bodies there (must outlive the Fetchers)
};

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

  Result Fetch(const Job& job);

 private:
  static curl_socket_t OpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int CloseSocket(void* self, curl_socket_t fd);
  static int OnProgress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
  static size_t OnBody(char* data, size_t size, size_t count, void* self);
  void ShutdownSockets();
  void Describe(CURLcode code, Result& result) const;
  void Judge(const Job& job, Result& result, long status_for_checks);
  void CollectDetails(Result& result) const;

  FetchOptions options_;
  std::stop_token stop_;
  EasyHandle easy_;
  char error_buffer_[CURL_ERROR_SIZE] = {};

  // State of the transfer in progress (only touched by the owning thread).
  std::uint64_t bytes_ = 0;
  // Stall guard: when the byte counts last moved, and whether the guard ended the transfer.
  std::chrono::steady_clock::time_point last_activity_;
  curl_off_t last_progress_ = -1;
  bool stalled_ = false;
  std::chrono::steady_clock::duration stall_limit_;
  BodyChecker checker_;
  std::unique_ptr<BodySaver> saver_;  // null unless -o: then bodies are discarded

  // Sockets libcurl has open, so a stop request from another thread can shut them down and wake
  // a transfer that is blocked waiting for the network.
  std::mutex sockets_mutex_;
  std::vector<curl_socket_t> sockets_;
  std::stop_callback<std::function<void()>> on_stop_;
};

}  // namespace fetchpool
