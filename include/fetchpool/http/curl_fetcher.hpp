#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/expectations.hpp"
#include "fetchpool/core/fetch_options.hpp"
#include "fetchpool/core/fetcher.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/hosts/host_policies.hpp"
#include "fetchpool/http/curl_handles.hpp"
#include "fetchpool/http/host_resolver.hpp"
#include "fetchpool/http/redirect_target.hpp"
#include "fetchpool/http/request_settings.hpp"
#include "fetchpool/http/socket_performer.hpp"
#include "fetchpool/http/trust_store.hpp"
#include "fetchpool/save/body_saver.hpp"
#include "fetchpool/save/output_dir.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// Performs transfers on one reused blocking easy handle (which is where connection reuse comes
// from). It follows redirects itself, request by request on the same handle, so that each
// request carries the headers, credentials and TLS settings of the host it goes to
// (RequestSettings) and the run's own -H and -u never reach another host; each redirect is
// recorded in TransferFacts::redirects. Thread-compatible: one per worker thread. The stop token
// may be triggered from any thread; that aborts the transfer in progress promptly and every
// later Fetch at once (its callback shuts down the sockets libcurl has open: sockets_mutex_
// guards their list).
class CurlFetcher final : public Fetcher {
 public:
  // What a worker's fetcher shares with the others. Each must outlive it; each may be null.
  struct Shared {
    CURLSH* share = nullptr;  // DNS cache and TLS sessions
    // Per-host settings; null: the options' own, for every host.
    const HostPolicies* policies = nullptr;
    // One store per HostPolicies::ca_files() entry, loaded by the first connection that needs
    // it; empty: libcurl's own CA handling (its TLS library is not OpenSSL).
    std::vector<TrustStore*> trust;
    NameResolver* resolver = nullptr;       // null: libcurl resolves (as it must through a proxy)
    const OutputDir* output_dir = nullptr;  // null: bodies are discarded
    long max_connections = 5;               // kept open per handle (CURLOPT_MAXCONNECTS)
    // What the verdict reads of a response (Judge::NotesWanted); null: nothing beyond the status.
    const ResponseNotes* notes = nullptr;
  };
  // `collect_details`: also note the effective URL, the IP and libcurl's phase times (when the
  // output shows them).
  CurlFetcher(const FetchOptions& options, bool collect_details, const Shared& shared,
              std::stop_token stop);
  ~CurlFetcher() override;
  CurlFetcher(const CurlFetcher&) = delete;
  CurlFetcher& operator=(const CurlFetcher&) = delete;

  // Without a handle (it could not be created or configured) every Fetch fails.
  void Fetch(const Job& job, Method method, TransferFacts& facts, Saved& saved) override;
  bool Keep(const Verdict& verdict, Saved& saved) override;
  std::vector<std::string> Addresses(const Job& job, TransferFacts& facts) override;
  // A GET whose body is also written to `fd` (a sitemap the reader parses afterwards). A body
  // that cannot be written fails the transfer.
  void FetchInto(const Job& job, int fd, TransferFacts& facts);

 private:
  static curl_socket_t OpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int CloseSocket(void* self, curl_socket_t fd);
  static int OnProgress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
  static size_t OnBody(char* data, size_t size, size_t count, void* self);
  static size_t OnHeader(char* data, size_t size, size_t count, void* self);
  void Configure(CURLSH* share, bool own_trust);
  void ShutdownSockets() EXCLUDES(sockets_mutex_);
  // curl_easy_perform, through the worker's own multi handle; the stall guard runs while idle.
  CURLcode Perform();
  // The stall guard: true (and the transfer is to end) once nothing has moved for too long.
  bool Stalled(std::chrono::steady_clock::time_point now);
  // Forgets what the last perform saw; before every curl_easy_perform.
  void ResetTransfer(std::chrono::steady_clock::time_point now);
  // The settings of the job's listed host: method, follow, timeouts, the checks' limits.
  void SetMethod(const Job& job, Method method);
  // Requests `job`'s URL and follows its redirects; nullopt when a request could not start
  // (its host did not resolve, its time ran out), with `facts` saying why.
  std::optional<CURLcode> PerformChain(const Job& job, std::chrono::steady_clock::time_point start,
                                       TransferFacts& facts);
  // One request of the chain; nullopt as for PerformChain.
  std::optional<CURLcode> PerformOne(const RequestTarget& target, bool carry,
                                     std::chrono::steady_clock::time_point start,
                                     TransferFacts& facts);
  // Where the response just received redirects to, when it is to be followed; "" when not.
  std::string RedirectTarget() const;
  // An IP-literal host is not kept in the DNS cache (timeout 0); a name is, for 60 s.
  void ChooseDnsCache(bool literal);
  // Resolves the target's host name in this thread's turn (through the run's resolver) and pins
  // libcurl to the answer; false when the name does not resolve, with `facts` saying why.
  bool PinAddresses(const RequestTarget& target, TransferFacts& facts);
  // The phase times of the request just made, added to the chain's.
  void AddPhaseTimes();
  // `host` through the run's resolver, adding the time to lookup_took_; nullopt with `facts`
  // saying why when it did not resolve.
  std::optional<Lookup> LookUp(const std::string& host, TransferFacts& facts);
  // --each-address: CURLOPT_CONNECT_TO for the job's one address, or none.
  void ConnectTo(const Job& job);
  // The header callback's work on one line of the response being received.
  void NoteStatusLine(std::string_view line);
  void NoteHeader(std::string_view line);
  // What a performed transfer observed, into `facts`.
  void Observe(CURLcode code, TransferFacts& facts);
  void Describe(CURLcode code, TransferFacts& facts) const;
  void CollectDetails(TransferFacts& facts) const;
  // The certificate of the connection the current response came on (for https), into
  // certificate_.
  void NoteCertificate() noexcept;

  FetchOptions options_;  // without headers and credentials: those come from the policies
  const bool collect_details_;
  std::string user_agent_;
  std::stop_token stop_;
  std::unique_ptr<HostPolicies> own_policies_;  // when Shared::policies is null
  const HostPolicies* policies_;
  const HostPolicy* origin_ = nullptr;  // the policy of the job being fetched
  RequestSettings request_;             // declared before easy_, which points at its lists
  EasyHandle easy_;
  // Destroyed before easy_: its kept connections close through this fetcher's callbacks.
  std::unique_ptr<SocketPerformer> performer_;
  NameResolver* resolver_ = nullptr;
  Slist resolve_;              // the CURLOPT_RESOLVE entry last given to libcurl
  std::string resolve_entry_;  // its text
  std::chrono::steady_clock::time_point resolve_set_at_{};
  Slist connect_to_;              // the CURLOPT_CONNECT_TO entry last given to libcurl
  std::string connect_to_entry_;  // its text; empty when none is set
  std::string pinned_host_;       // the host connect_to_ sends to the job's address, or ""
  std::chrono::microseconds lookup_took_{0};  // this attempt's own name lookups
  bool literal_host_ = false;  // the last URL's host was an IP literal (DNS cache timeout 0)
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
  // Following redirects: whether this job follows them, and what the response being received
  // says (a 3xx with a Location that will be followed has its body discarded, as libcurl does).
  bool follow_ = false;
  long head_status_ = 0;
  bool head_location_ = false;
  bool discard_body_ = false;
  std::string refused_url_;  // a redirect to a scheme we do not follow: the effective URL
  // The chain's phase times so far, in microseconds, as libcurl adds them up across redirects.
  struct PhaseTimes {
    curl_off_t dns = 0, connect = 0, tls = 0, first_byte = 0, total = 0;
  } times_;
  std::shared_ptr<const CertificateFacts> certificate_;  // of the latest response's connection
  // What the verdict reads (ResponseNotes) of the response being received; moved into the
  // facts when the chain ends, so they are the final response's.
  const ResponseNotes* notes_ = nullptr;
  bool suspect_ = false;           // the latest response's status is one bot walls answer with
  std::vector<HeaderNote> noted_;  // its headers of note
  std::string body_start_;         // the start of its body, when suspect_
  BodyChecker checker_;
  std::unique_ptr<BodySaver> saver_;  // null unless -o: then bodies are discarded
  // -o: the last Fetch left a body for Keep to commit or discard, and how its transfer ended.
  bool keep_pending_ = false;
  CURLcode last_code_ = CURLE_OK;
  int body_fd_ = -1;  // FetchInto's descriptor, -1 otherwise

  // Sockets libcurl has open, so a stop request from another thread can shut them down and wake
  // a transfer that is blocked waiting for the network.
  Mutex sockets_mutex_;
  std::vector<curl_socket_t> sockets_ GUARDED_BY(sockets_mutex_);
  std::stop_callback<std::function<void()>> on_stop_;
};

}  // namespace fetchpool
