// CurlFetcher's redirect chain: each request of it on the same easy handle, with the settings
// of the host it goes to; the redirects libcurl would have followed, followed here.
#include <cstdio>

#include "fetchpool/hosts/host_key.hpp"
#include "fetchpool/http/curl_fetcher.hpp"
#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {

std::optional<CURLcode> CurlFetcher::PerformChain(const Job& job,
                                                  std::chrono::steady_clock::time_point start,
                                                  TransferFacts& facts) {
  const std::string& url = job.target.fetch_url.empty() ? job.origin.url : job.target.fetch_url;
  const RequestTarget origin{.url = url,
                             .scheme = StartsWithIgnoreCase(url, "https:") ? "https" : "http",
                             .host = job.target.host,
                             .port = job.target.port,
                             .ip_literal = job.target.ip_literal};
  facts.redirects.clear();
  refused_url_.clear();
  times_ = {};
  lookup_took_ = std::chrono::microseconds(0);
  RequestTarget target = origin;
  for (int followed = 0;; ++followed) {
    const bool carry = policies_->location_trusted() || SameOrigin(origin, target);
    const std::optional<CURLcode> code = PerformOne(target, carry, start, facts);
    if (!code || *code != CURLE_OK) return code;
    std::string next = RedirectTarget();
    if (next.empty() && discard_body_) {  // a Location libcurl could not make a URL of
      std::snprintf(error_buffer_, sizeof error_buffer_,
                    "The redirect target URL could not be parsed");
      return CURLE_URL_MALFORMAT;
    }
    if (next.empty()) return code;
    if (followed >= options_.max_redirects) {
      std::snprintf(error_buffer_, sizeof error_buffer_, "Maximum (%d) redirects followed",
                    options_.max_redirects);
      return CURLE_TOO_MANY_REDIRECTS;
    }
    long status = 0;
    curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
    std::optional<RequestTarget> hop = ParseRequestTarget(next);
    if (!hop || (hop->scheme != "http" && hop->scheme != "https")) {
      // libcurl's own words for a redirect to a protocol it may not follow.
      const std::string scheme = hop ? hop->scheme : next.substr(0, next.find(':'));
      std::snprintf(error_buffer_, sizeof error_buffer_,
                    "Protocol \"%s\" not supported or disabled in libcurl", scheme.c_str());
      refused_url_ = std::move(next);  // libcurl's effective URL had become it
      return CURLE_UNSUPPORTED_PROTOCOL;
    }
    facts.redirects.push_back({.http_status = status, .location = RedactUrl(hop->url)});
    target = std::move(*hop);
  }
}

std::optional<CURLcode> CurlFetcher::PerformOne(const RequestTarget& target, bool carry,
                                                std::chrono::steady_clock::time_point start,
                                                TransferFacts& facts) {
  CURL* h = easy_.get();
  if (!request_.Apply(h, policies_->For(target.host), carry)) {
    facts.failure = ErrorKind::kOther;
    facts.failure_detail = "out of memory";
    return std::nullopt;
  }
  // Credentials a redirect's Location names for another host are not sent either (libcurl's rule).
  curl_easy_setopt(h, CURLOPT_HTTPAUTH,
                   carry || !UrlHasSecret(target.url) ? CURLAUTH_BASIC : CURLAUTH_NONE);
  if (!PinAddresses(target, facts)) return std::nullopt;
  // --timeout is for the whole chain: each request gets what is left of it.
  if (origin_->timeout_s > 0) {
    const auto left = std::chrono::duration<double>(origin_->timeout_s) -
                      (std::chrono::steady_clock::now() - start);
    const long ms = static_cast<long>(std::chrono::duration<double, std::milli>(left).count());
    if (ms <= 0) {
      std::snprintf(error_buffer_, sizeof error_buffer_, "Operation timed out");
      return CURLE_OPERATION_TIMEDOUT;
    }
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
  } else {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 0L);
  }
  const std::string ascii = AsciiHostUrl(target.url);  // libcurl copies the string
  curl_easy_setopt(h, CURLOPT_URL, ascii.empty() ? target.url.c_str() : ascii.c_str());
  ChooseDnsCache(target.ip_literal);
  ResetTransfer(std::chrono::steady_clock::now());
  const CURLcode code = Perform();
  if (collect_details_) AddPhaseTimes();
  return code;
}

std::string CurlFetcher::RedirectTarget() const {
  if (!follow_) return {};
  long status = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 300 || status > 399) return {};
  const char* next = nullptr;
  // Set, with FOLLOWLOCATION off, exactly when libcurl would have followed: absolute, resolved
  // against the URL it answered.
  if (curl_easy_getinfo(easy_.get(), CURLINFO_REDIRECT_URL, &next) != CURLE_OK || next == nullptr) {
    return {};
  }
  return next;
}

void CurlFetcher::AddPhaseTimes() {
  CURL* h = easy_.get();
  auto add = [h](CURLINFO info, curl_off_t& sum) {
    curl_off_t us = 0;
    curl_easy_getinfo(h, info, &us);
    sum += us;
  };
  add(CURLINFO_NAMELOOKUP_TIME_T, times_.dns);
  add(CURLINFO_CONNECT_TIME_T, times_.connect);
  add(CURLINFO_APPCONNECT_TIME_T, times_.tls);
  add(CURLINFO_STARTTRANSFER_TIME_T, times_.first_byte);
  add(CURLINFO_TOTAL_TIME_T, times_.total);
}

}  // namespace fetchpool
