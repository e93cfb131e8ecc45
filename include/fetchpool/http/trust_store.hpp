#pragma once

#include <openssl/x509_vfy.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "fetchpool/util/status.hpp"

namespace fetchpool {

namespace detail {
struct X509StoreDeleter {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
}  // namespace detail

// Move-only owner of an OpenSSL certificate store (one reference).
using X509StoreHandle = std::unique_ptr<X509_STORE, detail::X509StoreDeleter>;

// Where the trusted CA certificates come from. Both may be set; neither means "trust nothing".
struct TrustSource {
  std::string file;  // a PEM bundle, read whole at load time
  std::string dir;   // an OpenSSL hashed directory, looked up lazily as curl's CApath is
  bool operator==(const TrustSource&) const = default;
};

// Which certificates a run trusts, chosen as the curl tool chooses: --cacert FILE; else
// CURL_CA_BUNDLE; else SSL_CERT_DIR and SSL_CERT_FILE; else libcurl's built-in CA file and path.
// `getenv` is injectable for tests; an empty variable counts as unset.
TrustSource ChooseTrustSource(const std::string& cacert,
                              const std::function<const char*(const char*)>& getenv);

// The CA certificates every TLS connection of a run verifies against, read once per run, when
// the first TLS connection needs them (reading the system bundle costs about 30 ms, which a run
// of plain http:// URLs should not pay). Without it, Debian's libcurl re-reads the whole bundle
// for every new connection, and sixteen workers doing so at once contend on OpenSSL's global
// locks: 32 ms of CPU per connection instead of under 1 ms.
// Thread-safety: thread-safe. The first InstallIn loads under std::call_once; after that the
// store is immutable, each connection holds its own reference, and OpenSSL locks the store's
// lookups, so any number of threads may share it.
class TrustStore {
 public:
  explicit TrustStore(TrustSource source) : source_(std::move(source)) {}
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  // For CURLOPT_SSL_CTX_FUNCTION: gives `ssl_ctx` (an SSL_CTX*) a reference to the store,
  // loading it first if no connection has yet. False when it could not be loaded (status()
  // says why); the connection must not go ahead then.
  bool InstallIn(void* ssl_ctx) noexcept;

  // How the load went; ok before it has been tried.
  Status status() const;
  // How many times the certificates were read: 1 after the first TLS connection, ever after.
  int loads() const;
  const TrustSource& source() const { return source_; }

 private:
  void Load() noexcept;

  const TrustSource source_;
  std::once_flag once_;
  // Written once inside call_once, read only after it: call_once orders the two.
  X509StoreHandle store_;
  Status status_;
  std::atomic<int> loads_{0};
};

// Whether libcurl's TLS library is OpenSSL, so that a TrustStore can stand in for its CA files.
bool LibcurlTlsIsOpenSsl();

// Reads `source` into a new store, or says why it cannot.
Status LoadCertificates(const TrustSource& source, X509StoreHandle* out);

}  // namespace fetchpool
