#include "fetchpool/http/request_settings.hpp"

namespace fetchpool {

RequestSettings::RequestSettings(const HostPolicies& policies, std::vector<TrustStore*> stores)
    : policies_(policies), stores_(std::move(stores)), lists_(2 * policies.size()) {}

CURLcode RequestSettings::OnSslContext(CURL*, void* ssl_ctx, void* store) {
  if (store == nullptr) return CURLE_OK;  // -k for this host: nothing to verify against
  return static_cast<TrustStore*>(store)->InstallIn(ssl_ctx) ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}

const Slist* RequestSettings::Headers(const HostPolicy& policy, bool carry) {
  std::unique_ptr<Slist>& list = lists_[2 * policy.index + (carry ? 1 : 0)];
  if (list) return list.get();
  auto built = std::make_unique<Slist>();
  for (const std::string& line : carry ? policy.carried_headers : policy.headers) {
    if (!built->Append(line)) return nullptr;
  }
  list = std::move(built);
  return list.get();
}

bool RequestSettings::Apply(CURL* easy, const HostPolicy& policy, bool carry) {
  const Slist* headers = Headers(policy, carry);
  if (headers == nullptr) return false;
  if (first_ || headers != headers_) {
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers->get());
    headers_ = headers;
  }
  // A section's credentials win; then the run's own, where they may go; then none (libcurl then
  // uses --netrc's for the host, or the URL's own).
  const std::string& user = policy.user ? *policy.user : carry ? policies_.user() : std::string();
  if (first_ || user != user_) {
    curl_easy_setopt(easy, CURLOPT_USERPWD, user.empty() ? nullptr : user.c_str());
    user_ = user;
  }
  if (first_ || policy.insecure != insecure_ || policy.ca_file != ca_file_)
    ApplyTrust(easy, policy);
  first_ = false;
  return true;
}

void RequestSettings::ApplyTrust(CURL* easy, const HostPolicy& policy) {
  insecure_ = policy.insecure;
  ca_file_ = policy.ca_file;
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, policy.insecure ? 0L : 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, policy.insecure ? 0L : 2L);
  if (stores_.empty()) {  // not OpenSSL: libcurl loads the chosen certificates per connection
    trust_ = nullptr;
    const std::string& file = policies_.ca_files()[policy.ca_file];
    if (!file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, file.c_str());
    return;
  }
  trust_ = policy.insecure ? nullptr : stores_[policy.ca_file];
  curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, trust_);
}

}  // namespace fetchpool
