#include "fetchpool/http/trust_store.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdlib>
#include <string_view>

#include "fetchpool/http/curl_handles.hpp"

namespace fetchpool {
namespace {

std::string Env(const std::function<const char*(const char*)>& getenv, const char* name) {
  const char* value = getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

// libcurl's compiled-in defaults (Debian: the ca-certificates bundle and /etc/ssl/certs).
TrustSource LibcurlDefault() {
  TrustSource source;
  const EasyHandle easy(curl_easy_init());
  if (!easy) return source;
  char* text = nullptr;
  if (curl_easy_getinfo(easy.get(), CURLINFO_CAINFO, &text) == CURLE_OK && text != nullptr) {
    source.file = text;
  }
  text = nullptr;
  if (curl_easy_getinfo(easy.get(), CURLINFO_CAPATH, &text) == CURLE_OK && text != nullptr) {
    source.dir = text;
  }
  return source;
}

// OpenSSL's latest error as text, and the queue emptied (it is per thread).
std::string OpenSslError() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "no certificates found";
  char buffer[256] = {};
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

}  // namespace

TrustSource ChooseTrustSource(const std::string& cacert,
                              const std::function<const char*(const char*)>& getenv) {
  if (!cacert.empty()) return {.file = cacert};
  if (std::string bundle = Env(getenv, "CURL_CA_BUNDLE"); !bundle.empty()) return {.file = bundle};
  TrustSource source{.file = Env(getenv, "SSL_CERT_FILE"), .dir = Env(getenv, "SSL_CERT_DIR")};
  if (!source.file.empty() || !source.dir.empty()) return source;
  return LibcurlDefault();
}

bool LibcurlTlsIsOpenSsl() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  return info != nullptr && info->ssl_version != nullptr &&
         std::string_view(info->ssl_version).starts_with("OpenSSL/");
}

Status LoadCertificates(const TrustSource& source, X509StoreHandle* out) {
  X509StoreHandle store(X509_STORE_new());
  if (!store) return Status::Error("cannot create a certificate store: out of memory");
  ERR_clear_error();
  if (!source.file.empty() && X509_STORE_load_file(store.get(), source.file.c_str()) != 1) {
    return Status::Error(
        fmt::format("cannot read CA certificates from '{}': {}", source.file, OpenSslError()));
  }
  // A hashed directory is a lookup, not a load: OpenSSL reads a file from it only when a chain
  // needs that issuer, then keeps it in the store.
  if (!source.dir.empty() && X509_STORE_load_path(store.get(), source.dir.c_str()) != 1) {
    return Status::Error(
        fmt::format("cannot use CA directory '{}': {}", source.dir, OpenSslError()));
  }
  *out = std::move(store);
  return Status::Ok();
}

void TrustStore::Load() noexcept {
  try {
    status_ = LoadCertificates(source_, &store_);
  } catch (...) {  // fmt's allocation; no exception may cross libcurl
    store_.reset();
  }
  if (!store_ && status_.ok()) status_ = Status::Error("cannot load CA certificates");
  loads_.fetch_add(1, std::memory_order_release);  // publishes status_
}

bool TrustStore::InstallIn(void* ssl_ctx) noexcept {
  try {
    std::call_once(once_, [this] { Load(); });
  } catch (...) {
    return false;  // call_once reports a system error as an exception
  }
  if (!store_ || X509_STORE_up_ref(store_.get()) != 1) return false;
  SSL_CTX_set_cert_store(static_cast<SSL_CTX*>(ssl_ctx), store_.get());  // takes the reference
  return true;
}

Status TrustStore::status() const { return loads() > 0 ? status_ : Status::Ok(); }

int TrustStore::loads() const { return loads_.load(std::memory_order_acquire); }

}  // namespace fetchpool
