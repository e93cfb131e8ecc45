#include "fetchpool/http/curl_fetcher.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "fetchpool/core/result.hpp"
#include "fetchpool/core/retry_policy.hpp"
#include "fetchpool/hosts/host_key.hpp"
#include "fetchpool/http/curl_error.hpp"
#include "fetchpool/http/peer_certificate.hpp"
#include "fetchpool/util/redact.hpp"
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

namespace {

// The options every request shares; headers and credentials come from the policies instead.
FetchOptions SharedPart(const FetchOptions& options) {
  FetchOptions shared = options;
  shared.headers.clear();
  shared.user.clear();
  return shared;
}

std::unique_ptr<HostPolicies> PoliciesUnlessGiven(const FetchOptions& options,
                                                  const HostPolicies* given) {
  if (given != nullptr) return nullptr;
  Options o;
  o.fetch = options;
  return std::make_unique<HostPolicies>(o);
}

}  // namespace

CurlFetcher::CurlFetcher(const FetchOptions& options, bool collect_details, const Shared& shared,
                         std::stop_token stop)
    : options_(SharedPart(options)),
      collect_details_(collect_details),
      user_agent_(options.user_agent.value_or(fmt::format("fetchpool/{}", kVersion))),
      stop_(std::move(stop)),
      own_policies_(PoliciesUnlessGiven(options, shared.policies)),
      policies_(shared.policies != nullptr ? shared.policies : own_policies_.get()),
      request_(*policies_, shared.trust),
      easy_(curl_easy_init()),
      stall_limit_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(options.stall_timeout_s))),
      on_stop_(stop_, [this] { ShutdownSockets(); }) {
  if (shared.output_dir != nullptr) saver_ = std::make_unique<BodySaver>(*shared.output_dir);
  if (easy_) {
    Configure(shared.share, !shared.trust.empty());
    performer_ = std::make_unique<SocketPerformer>(stop_, shared.max_connections);
  }
  resolver_ = shared.resolver;
  notes_ = shared.notes;
}

CurlFetcher::~CurlFetcher() {
  // Close the kept connections (through CloseSocket) and the easy handle while every member the
  // callbacks use is still alive.
  performer_.reset();
  easy_.reset();
}

void CurlFetcher::Configure(CURLSH* share, bool own_trust) {
  CURL* h = easy_.get();
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (share != nullptr) curl_easy_setopt(h, CURLOPT_SHARE, share);
  // A list from anywhere must never make us read file:// or speak another protocol. Redirects
  // are followed here, not by libcurl (PerformChain), which checks their scheme too.
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // The stall guard lives in OnProgress: libcurl's LOW_SPEED_* averages over a window and would
  // also cut off a slow server that never goes silent for the whole window.
  if (!user_agent_.empty()) curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent_.c_str());
  // libcurl looks the netrc file up for each request's own host, and only for a request that
  // has no credentials of its own (RequestSettings).
  if (options_.netrc) {
    curl_easy_setopt(h, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_REQUIRED));
    if (!options_.netrc_file.empty()) {
      curl_easy_setopt(h, CURLOPT_NETRC_FILE, options_.netrc_file.c_str());
    }
  }
  if (own_trust) {
    // The run's stores replace libcurl's: with a CA path set (Debian's default) libcurl would
    // read the whole bundle again for every new connection.
    curl_easy_setopt(h, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
    curl_easy_setopt(h, CURLOPT_CA_CACHE_TIMEOUT, 0L);  // nothing of libcurl's own to cache
    curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, &RequestSettings::OnSslContext);
  }
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

void CurlFetcher::ResetTransfer(std::chrono::steady_clock::time_point now) {
  bytes_ = 0;
  last_activity_ = now;
  last_progress_ = -1;
  stalled_ = false;
  too_large_ = false;
  retry_after_.reset();
  certificate_.reset();
  head_status_ = 0;
  head_location_ = false;
  discard_body_ = false;
  error_buffer_[0] = '\0';
  suspect_ = false;
  noted_.clear();
  body_start_.clear();
}

// libcurl 7.88 walks its whole DNS cache after every transfer to drop stale entries, and caches
// IP literals too: over many distinct addresses (1M hosts) every transfer got slower than the
// last. A literal is never looked up, so it is not kept: a timeout of 0 prunes it at once.
// (Detaching the handle from the share instead made libcurl 7.88 leak a private TLS session
// cache each time, as LeakSanitizer showed.)
void CurlFetcher::ChooseDnsCache(bool literal) {
  if (literal == literal_host_) return;
  literal_host_ = literal;
  curl_easy_setopt(easy_.get(), CURLOPT_DNS_CACHE_TIMEOUT, literal ? 0L : 60L);  // libcurl's 60
}

void CurlFetcher::SetMethod(const Job& job, Method method) {
  CURL* h = easy_.get();
  origin_ = &policies_->For(job.target.host);
  // A line that expects a 3xx wants to see the redirect itself, not where it leads.
  const bool expects_redirect = job.checks.expect && job.checks.expect->status &&
                                job.checks.expect->status->ContainsRedirect();
  follow_ = options_.follow && !expects_redirect;
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, Millis(origin_->connect_timeout_s));
  stall_limit_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(origin_->stall_timeout_s));
  options_.connect_timeout_s = origin_->connect_timeout_s;  // for the error messages
  options_.timeout_s = origin_->timeout_s;
  options_.stall_timeout_s = origin_->stall_timeout_s;
  if (method == Method::kHead) {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t{0});  // a HEAD has no body to cap
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);  // also undoes an earlier NOBODY on this handle
    // Refuses a declared Content-Length over the cap up front; OnBody catches the rest.
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_size));
  }
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
  SetMethod(job, method);
  if (!job.origin.address.empty() || !connect_to_entry_.empty()) ConnectTo(job);
  std::optional<CURLcode> code = PerformChain(job, start, facts);
  if (code == CURLE_OK && saver_ && saver_->RestartWithoutRange(easy_.get())) {
    checker_.Restart();
    code = PerformChain(job, start, facts);
  }
  const auto end = std::chrono::steady_clock::now();
  facts.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(end - first_start);
  facts.took = std::chrono::duration_cast<std::chrono::microseconds>(end - start);
  if (!code) return;  // a request could not start; `facts` says why
  Observe(*code, facts);
  last_code_ = *code;
  keep_pending_ = saver_ != nullptr;
}

void CurlFetcher::FetchInto(const Job& job, int fd, TransferFacts& facts) {
  body_fd_ = fd;
  Saved unused;  // never -o here
  Fetch(job, Method::kGet, facts, unused);
  body_fd_ = -1;
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
  facts.certificate = std::move(certificate_);
  // The notes of the chain's final response (each request of it starts afresh).
  facts.headers = std::move(noted_);
  facts.body_start = std::move(body_start_);
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
  if (!refused_url_.empty()) {
    facts.effective_url = RedactUrl(refused_url_);
  } else if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &text) == CURLE_OK && text != nullptr) {
    facts.effective_url = RedactUrl(text);
  }
  text = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &text) == CURLE_OK && text != nullptr) {
    facts.ip = text;
  }
  // libcurl's clock starts after our own lookups (PinAddresses): each phase includes them. The
  // phases of every request in the chain add up, as libcurl adds them up across redirects.
  const double lookup = static_cast<double>(lookup_took_.count()) / 1000.0;
  auto ms = [](curl_off_t us) { return static_cast<double>(us) / 1000.0; };
  auto phase = [&](curl_off_t us) { return us > 0 ? ms(us) + lookup : 0.0; };
  facts.timings.dns_ms = ms(times_.dns) + lookup;
  facts.timings.connect_ms = phase(times_.connect);
  facts.timings.tls_ms = phase(times_.tls);
  facts.timings.first_byte_ms = phase(times_.first_byte);
  facts.timings.total_ms = ms(times_.total) + lookup;
}

void CurlFetcher::Describe(CURLcode code, TransferFacts& facts) const {
  CURL* h = easy_.get();
  CurlFailure f;
  f.code = code;
  curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &f.os_errno);
  f.detail = error_buffer_[0] != '\0' ? error_buffer_ : curl_easy_strerror(code);
  if (TrustStore* trust = request_.trust();
      code == CURLE_SSL_CACERT_BADFILE && trust != nullptr && !trust->status().ok()) {
    f.detail = trust->status().message();  // the run's store could not be read: say why
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

}  // namespace fetchpool
