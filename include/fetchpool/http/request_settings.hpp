#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "fetchpool/hosts/host_policies.hpp"
#include "fetchpool/http/curl_handles.hpp"
#include "fetchpool/http/trust_store.hpp"

namespace fetchpool {

// The settings each request of an easy handle takes from the host it goes to: request headers,
// credentials and TLS verification (its HostPolicy). A request that carries the run's own -H and
// -u (one to a listed URL's own host, or any with --location-trusted) sends the policy's
// carried headers and the run's credentials under the section's; any other sends the section's
// only. Header lists are built once per policy and kept; a setting already in place is not set
// again. Trust: one shared TrustStore per CA file (HostPolicies::ca_files), -k per host.
// Thread-compatible: one per CurlFetcher, on its worker thread.
class RequestSettings {
 public:
  // `stores[i]` serves HostPolicies::ca_files()[i]; an empty `stores` means libcurl's TLS
  // library is not OpenSSL, and CA files are given to libcurl per request instead.
  RequestSettings(const HostPolicies& policies, std::vector<TrustStore*> stores);

  // Sets `easy` up for a request to the host of `policy`. False when a header list could not be
  // built (out of memory): the request must not go without the user's headers.
  bool Apply(CURL* easy, const HostPolicy& policy, bool carry);
  // The store the last request verified against; null with -k or without OpenSSL.
  TrustStore* trust() const { return trust_; }

  // For CURLOPT_SSL_CTX_FUNCTION, with the store as data (null: -k, nothing to install).
  static CURLcode OnSslContext(CURL*, void* ssl_ctx, void* store);

 private:
  const Slist* Headers(const HostPolicy& policy, bool carry);
  void ApplyTrust(CURL* easy, const HostPolicy& policy);

  const HostPolicies& policies_;
  const std::vector<TrustStore*> stores_;
  std::vector<std::unique_ptr<Slist>> lists_;  // [2 * index + carry], built on first use
  // What the handle has now; first_ until the first Apply.
  bool first_ = true;
  const Slist* headers_ = nullptr;
  std::string user_;
  bool insecure_ = false;
  std::size_t ca_file_ = 0;
  TrustStore* trust_ = nullptr;
};

}  // namespace fetchpool
