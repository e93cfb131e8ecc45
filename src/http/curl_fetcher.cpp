#include "fetchpool/http/curl_fetcher.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "fetchpool/core/result.hpp"
#include "fetchpool/core/retry_policy.hpp"
#include "fetchpool/hosts/host_key.hpp"
#include "fetchpool/http/curl_error.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/version.hpp"

namespace fetchpool {
namespace {

long Millis(double seconds) { return static_cast<long>(std::llround(seconds * 1000.0)); }

// HTTP/1.1 unless --http2. Each worker carries one request at a time on its own connection, so
// HTTP/2's multiplexing has nothing to share, and its set-up (a session, SETTINGS both ways) cost
// about 10% more CPU per URL over TLS, one host or many.
long CurlHttpVersion(HttpVersion v) {
  return v == HttpVersion::kHttp2 ? CURL_HTTP_VERSION_2_0 : CURL_HTTP_VERSION_1_1;
}

void NotFetched(TransferFacts& facts, ErrorKind why, std::string detail) {
  facts.failure = why;
  facts.failure_detail = std::move(detail);
}

}  // namespace

CurlFetcher::CurlFetcher(const FetchOptions& options, bool collect_details, const Shared& shared,
                         std::stop_token stop)
    : options_(options),
      collect_details_(collect_details),
      user_agent_(options.user_agent.value_or(fmt::format("fetchpool/{}", kVersion))),
      stop_(std::move(stop)),
      easy_(curl_easy_init()),
      stall_limit_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(options.stall_timeout_s))),
      on_stop_(stop_, [this] { ShutdownSockets(); }) {
  if (shared.output_dir != nullptr) saver_ = std::make_unique<BodySaver>(*shared.output_dir);
  if (easy_) {
    Configure(shared.share, shared.trust);
    performer_ = std::make_unique<SocketPerformer>(stop_, shared.max_connections);
  }
  trust_ = options.insecure ? nullptr : shared.trust;
  resolver_ = shared.resolver;
}

CurlFetcher::~CurlFetcher() {
  // Close the kept connections (through CloseSocket) and the easy handle while every member the
  // callbacks use is still alive.
  performer_.reset();
  easy_.reset();
}

void CurlFetcher::Configure(CURLSH* share, TrustStore* trust) {
  CURL* h = easy_.get();
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (share != nullptr) curl_easy_setopt(h, CURLOPT_SHARE, share);
  // A list from anywhere must never make us read file:// or speak another protocol, not even
  // through a redirect.
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(options_.max_redirects));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, Millis(options_.connect_timeout_s));
  if (options_.timeout_s > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, Millis(options_.timeout_s));
  // The stall guard lives in OnProgress: libcurl's LOW_SPEED_* averages over a window and would
  // also cut off a slow server that never goes silent for the whole window.
  if (!user_agent_.empty()) curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent_.c_str());
  for (const std::string& line : options_.headers) {
    if (!headers_.Append(line)) {
      easy_.reset();  // every Fetch fails: a request without the user's headers would be wrong
      return;
    }
  }
  if (headers_.get() != nullptr) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_.get());
  if (!options_.user.empty()) curl_easy_setopt(h, CURLOPT_USERPWD, options_.user.c_str());
  ConfigureTrust(trust);
  // Unset, libcurl reads http_proxy, https_proxy and no_proxy as curl does.
  if (!options_.proxy.empty()) curl_easy_setopt(h, CURLOPT_PROXY, options_.proxy.c_str());
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CurlHttpVersion(options_.http_version));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer_);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CurlFetcher::OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CurlFetcher::OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &CurlFetcher::OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, this);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &CurlFetcher::OpenSocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, &CurlFetcher::CloseSocket);
  curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, this);
}

void CurlFetcher::ConfigureTrust(TrustStore* trust) {
  CURL* h = easy_.get();
  if (options_.insecure) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    return;
  }
  if (trust == nullptr) {  // not OpenSSL: libcurl loads the chosen certificates per connection
    if (!options_.cacert.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.cacert.c_str());
    return;
  }
  // The run's one store replaces libcurl's: with a CA path set (Debian's default) libcurl would
  // read the whole bundle again for every new connection.
  curl_easy_setopt(h, CURLOPT_CAINFO, nullptr);
  curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(h, CURLOPT_CA_CACHE_TIMEOUT, 0L);  // nothing of libcurl's own to cache
  curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, &CurlFetcher::OnSslContext);
  curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, trust);
}

CURLcode CurlFetcher::OnSslContext(CURL*, void* ssl_ctx, void* trust) {
  return static_cast<TrustStore*>(trust)->InstallIn(ssl_ctx) ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}

void CurlFetcher::ResetTransfer(std::chrono::steady_clock::time_point now) {
  bytes_ = 0;
  last_activity_ = now;
  last_progress_ = -1;
  stalled_ = false;
  too_large_ = false;
  retry_after_.reset();
  error_buffer_[0] = '\0';
}

// libcurl 7.88 walks its whole DNS cache after every transfer to drop stale entries, and caches
// IP literals too: over many distinct addresses (1M hosts) every transfer got slower than the
// last. A literal is never looked up, so it is not kept: a timeout of 0 prunes it at once.
// (Detaching the handle from the share instead made libcurl 7.88 leak a private TLS session
// cache each time, as LeakSanitizer showed.)
void CurlFetcher::ChooseDnsCache(const Job& job) {
  const bool literal = job.target.ip_literal;
  if (literal == literal_host_) return;
  literal_host_ = literal;
  curl_easy_setopt(easy_.get(), CURLOPT_DNS_CACHE_TIMEOUT, literal ? 0L : 60L);  // libcurl's 60
}

bool CurlFetcher::PinAddresses(const Job& job, TransferFacts& facts) {
  lookup_took_ = std::chrono::microseconds(0);
  if (resolver_ == nullptr || job.target.ip_literal || job.target.port == 0 ||
      job.target.host.empty())
    return true;
  // libcurl answers "localhost" and "*.localhost" itself (RFC 6761), without any lookup.
  if (job.target.host == "localhost" || job.target.host.ends_with(".localhost")) return true;
  const auto start = std::chrono::steady_clock::now();
  const Lookup found = resolver_->Resolve(
      job.target.host, std::chrono::milliseconds(Millis(options_.connect_timeout_s)), stop_);
  const auto now = std::chrono::steady_clock::now();
  lookup_took_ = std::chrono::duration_cast<std::chrono::microseconds>(now - start);
  if (found.error == LookupError::kStopped) {
    NotFetched(facts, ErrorKind::kAborted, "aborted");
    return false;
  }
  if (found.error != LookupError::kNone) {
    NotFetched(facts, ErrorKind::kResolve,
               fmt::format("could not resolve host: {}", job.target.host));
    return false;
  }
  // "+": libcurl's entry ages out like one it looked up itself. Given again only when it
  // changed or may have aged out: libcurl parses the list anew at every transfer it is set for.
  std::string entry = fmt::format("+{}:{}:{}", job.target.host, job.target.port, found.addresses);
  CURL* h = easy_.get();
  if (entry == resolve_entry_ && now - resolve_set_at_ < std::chrono::seconds(30)) {
    curl_easy_setopt(h, CURLOPT_RESOLVE, nullptr);
    return true;
  }
  Slist list;
  if (!list.Append(entry)) return true;  // out of memory: libcurl resolves it itself
  resolve_ = std::move(list);
  resolve_entry_ = std::move(entry);
  resolve_set_at_ = now;
  curl_easy_setopt(h, CURLOPT_RESOLVE, resolve_.get());
  return true;
}

void CurlFetcher::SetMethod(const Job& job, Method method) {
  CURL* h = easy_.get();
  // A line that expects a 3xx wants to see the redirect itself, not where it leads.
  const bool expects_redirect = job.checks.expect && job.checks.expect->status &&
                                job.checks.expect->status->ContainsRedirect();
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, options_.follow && !expects_redirect ? 1L : 0L);
  if (method == Method::kHead) {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t{0});  // a HEAD has no body to cap
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);  // also undoes an earlier NOBODY on this handle
    // Refuses a declared Content-Length over the cap up front; OnBody catches the rest.
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_size));
  }
  const std::string ascii = AsciiHostUrl(job.origin.url);  // libcurl copies the string
  curl_easy_setopt(h, CURLOPT_URL, ascii.empty() ? job.origin.url.c_str() : ascii.c_str());
}

void CurlFetcher::Fetch(const Job& job, Method method, TransferFacts& facts, Saved& saved) {
  keep_pending_ = false;
  if (!easy_) return NotFetched(facts, ErrorKind::kOther, "could not create a libcurl handle");
  if (stop_.stop_requested()) return NotFetched(facts, ErrorKind::kAborted, "aborted");

  const auto start = std::chrono::steady_clock::now();
  const auto first_start = job.progress.first_start == std::chrono::steady_clock::time_point{}
                               ? start
                               : job.progress.first_start;
  ResetTransfer(start);
  checker_.Reset(job.checks.expect.get());
  if (saver_ && saver_->Prepare(easy_.get(), job.origin.url, job.checks.expect.get(), saved) ==
                    BodySaver::Plan::kDone) {
    return;  // skipped (the file is there) or failed before any request
  }
  if (!PinAddresses(job, facts)) {
    facts.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - first_start);
    return;
  }
  SetMethod(job, method);
  ChooseDnsCache(job);
  CURLcode code = Perform();
  if (code == CURLE_OK && saver_ && saver_->RestartWithoutRange(easy_.get())) {
    ResetTransfer(std::chrono::steady_clock::now());
    checker_.Restart();
    code = Perform();
  }
  const auto end = std::chrono::steady_clock::now();
  facts.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(end - first_start);
  facts.took = std::chrono::duration_cast<std::chrono::microseconds>(end - start);
  Observe(code, facts);
  last_code_ = code;
  keep_pending_ = saver_ != nullptr;
}

bool CurlFetcher::Keep(const Verdict& verdict, Saved& saved) {
  if (!keep_pending_) return false;
  keep_pending_ = false;
  saver_->Finish(easy_.get(), last_code_, verdict, saved);
  return true;
}

void CurlFetcher::Observe(CURLcode code, TransferFacts& facts) {
  CURL* h = easy_.get();
  facts.bytes = bytes_;
  facts.retry_after = retry_after_;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &facts.http_status);
  if (collect_details_) CollectDetails(facts);
  if (code == CURLE_OK) {
    facts.resumed = saver_ && saver_->resumed();
    checker_.Observe(facts.body);
  } else if (stalled_) {
    NotFetched(facts, ErrorKind::kStalled,
               fmt::format("stalled: no data for {:g}s", options_.stall_timeout_s));
  } else if (stop_.stop_requested()) {
    // Whatever libcurl saw (a callback abort, or a socket we shut down), the cause is the stop.
    NotFetched(facts, ErrorKind::kAborted, "aborted");
  } else {
    Describe(code, facts);
  }
}

void CurlFetcher::CollectDetails(TransferFacts& facts) const {
  CURL* h = easy_.get();
  const char* text = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &text) == CURLE_OK && text != nullptr) {
    facts.effective_url = text;
  }
  text = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &text) == CURLE_OK && text != nullptr) {
    facts.ip = text;
  }
  auto ms = [h](CURLINFO info) {
    curl_off_t us = 0;
    curl_easy_getinfo(h, info, &us);
    return static_cast<double>(us) / 1000.0;
  };
  // libcurl's clock starts after our own lookup (PinAddresses): each phase includes it.
  const double lookup = static_cast<double>(lookup_took_.count()) / 1000.0;
  auto phase = [&](CURLINFO info) {
    const double t = ms(info);
    return t > 0 ? t + lookup : 0.0;
  };
  facts.timings.dns_ms = ms(CURLINFO_NAMELOOKUP_TIME_T) + lookup;
  facts.timings.connect_ms = phase(CURLINFO_CONNECT_TIME_T);
  facts.timings.tls_ms = phase(CURLINFO_APPCONNECT_TIME_T);
  facts.timings.first_byte_ms = phase(CURLINFO_STARTTRANSFER_TIME_T);
  facts.timings.total_ms = ms(CURLINFO_TOTAL_TIME_T) + lookup;
}

void CurlFetcher::Describe(CURLcode code, TransferFacts& facts) const {
  CURL* h = easy_.get();
  CurlFailure f;
  f.code = code;
  curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &f.os_errno);
  f.detail = error_buffer_[0] != '\0' ? error_buffer_ : curl_easy_strerror(code);
  if (code == CURLE_SSL_CACERT_BADFILE && trust_ != nullptr && !trust_->status().ok()) {
    f.detail = trust_->status().message();  // the run's store could not be read: say why
  }
  f.too_large = too_large_;
  f.elapsed_s = std::chrono::duration<double>(facts.elapsed).count();
  curl_off_t connected_us = 0;
  curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connected_us);
  f.connected = connected_us != 0;
  curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &f.content_length);
  f.bytes = facts.bytes;
  ErrorDescription d = DescribeCurlFailure(f, options_);
  NotFetched(facts, d.kind, std::move(d.message));
}

curl_socket_t CurlFetcher::OpenSocket(void* self, curlsocktype, curl_sockaddr* address) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  const curl_socket_t fd =
      ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd == CURL_SOCKET_BAD) return fd;
  std::lock_guard lock(fetcher->sockets_mutex_);
  // A worker holds few sockets, so this rarely allocates; if it cannot, refusing the socket is
  // the only exception-free answer.
  try {
    fetcher->sockets_.push_back(fd);
  } catch (...) {
    ::close(fd);
    return CURL_SOCKET_BAD;
  }
  if (fetcher->stop_.stop_requested()) ::shutdown(fd, SHUT_RDWR);
  return fd;
}

int CurlFetcher::CloseSocket(void* self, curl_socket_t fd) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  std::lock_guard lock(fetcher->sockets_mutex_);
  std::erase(fetcher->sockets_, fd);
  return ::close(fd);
}

void CurlFetcher::ShutdownSockets() {
  std::lock_guard lock(sockets_mutex_);
  for (curl_socket_t fd : sockets_) ::shutdown(fd, SHUT_RDWR);
}

CURLcode CurlFetcher::Perform() {
  return performer_->Perform(easy_.get(),
                             [this] { return !Stalled(std::chrono::steady_clock::now()); });
}

bool CurlFetcher::Stalled(std::chrono::steady_clock::time_point now) {
  if (now - last_activity_ >= stall_limit_) stalled_ = true;
  return stalled_;
}

// libcurl calls this whenever it works on the transfer, and the performer asks Stalled after
// every idle second, so the stall guard fires within a second of the limit.
int CurlFetcher::OnProgress(void* self, curl_off_t, curl_off_t dlnow, curl_off_t,
                            curl_off_t ulnow) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  if (fetcher->stop_.stop_requested()) return 1;
  const auto now = std::chrono::steady_clock::now();
  const curl_off_t progress = dlnow + ulnow;
  if (progress != fetcher->last_progress_) {
    fetcher->last_progress_ = progress;
    fetcher->last_activity_ = now;
    return 0;
  }
  return fetcher->Stalled(now) ? 1 : 0;
}

size_t CurlFetcher::OnBody(char* data, size_t size, size_t count, void* self) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  const size_t n = size * count;
  fetcher->bytes_ += n;
  if (fetcher->options_.max_size > 0 && fetcher->bytes_ > fetcher->options_.max_size) {
    fetcher->too_large_ = true;  // also ends a body that never ends
    return 0;
  }
  try {
    // A short count aborts the transfer with CURLE_WRITE_ERROR; the saver keeps the real reason.
    if (fetcher->saver_ && !fetcher->saver_->Write(fetcher->easy_.get(), std::string_view(data, n),
                                                   fetcher->checker_)) {
      return 0;
    }
    fetcher->checker_.Consume(std::string_view(data, n));
  } catch (...) {
    if (fetcher->saver_) fetcher->saver_->Interrupted();
    return 0;  // no exception may cross libcurl; a short count aborts with CURLE_WRITE_ERROR
  }
  return n;
}

size_t CurlFetcher::OnHeader(char* data, size_t size, size_t count, void* self) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  const size_t n = size * count;
  const std::string_view line(data, n);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (line.starts_with("HTTP/")) {
    fetcher->retry_after_.reset();  // a new response (after a redirect or a 100 Continue)
  } else if (line.size() > kRetryAfter.size() && StartsWithIgnoreCase(line, kRetryAfter)) {
    try {
      fetcher->retry_after_ = ParseRetryAfter(line.substr(kRetryAfter.size()), std::time(nullptr));
    } catch (...) {
      // No exception may cross libcurl; without the header the backoff decides.
    }
  }
  return n;
}

}  // namespace fetchpool
