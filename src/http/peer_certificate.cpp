#include "fetchpool/http/peer_certificate.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <optional>
#include <string>

#include "fetchpool/util/utc_time.hpp"

namespace fetchpool {
namespace {

using Facts = std::shared_ptr<const CertificateFacts>;
using Clock = std::chrono::system_clock;

// A name longer than this (a hostile certificate's) is cut: it is for people to read.
constexpr std::size_t kMaxNameBytes = 1024;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// The ex_data slot's destructor: the connection's SSL is being freed.
void FreeFacts(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*index*/, long /*argl*/,
               void* /*argp*/) {
  delete static_cast<Facts*>(ptr);
}

// A copied SSL (SSL_dup) starts without facts rather than sharing the pointer FreeFacts frees.
int DropOnDup(CRYPTO_EX_DATA* /*to*/, const CRYPTO_EX_DATA* /*from*/, void** from_d, int /*idx*/,
              long /*argl*/, void* /*argp*/) {
  *from_d = nullptr;
  return 1;
}

int SlotIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, DropOnDup, FreeFacts);
  return index;
}

// A certificate's time, and its text as the certificate says it (beyond 2262 too).
struct Moment {
  Clock::time_point at;
  std::string text;
};

std::optional<Moment> TimeOf(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return Moment{FromUnixSeconds(timegm(&tm)), IsoUtc(tm)};
}

// RFC 2253, most specific first, UTF-8 left as it is (the outputs escape what they must).
std::string NameText(const X509_NAME* name) {
  const std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return {};
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return {};
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) return {};
  return std::string(data, std::min(static_cast<std::size_t>(size), kMaxNameBytes));
}

std::string Sha256Hex(X509* cert) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (X509_digest(cert, EVP_sha256(), digest.data(), &size) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{2} * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

Facts Read(SSL* ssl) {
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (leaf == nullptr) return nullptr;
  const std::optional<Moment> not_after = TimeOf(X509_get0_notAfter(leaf));
  if (!not_after) return nullptr;
  auto facts = std::make_shared<CertificateFacts>();
  facts->not_after = not_after->at;
  facts->expires = not_after->text;
  facts->subject = NameText(X509_get_subject_name(leaf));
  facts->issuer = NameText(X509_get_issuer_name(leaf));
  facts->sha256 = Sha256Hex(leaf);
  // A client's view of the chain holds the leaf too; the rest is what the server sent with it.
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    X509* soonest = nullptr;
    Moment soonest_at = *not_after;
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      X509* cert = sk_X509_value(chain, i);
      if (cert == leaf || X509_cmp(cert, leaf) == 0) continue;
      std::optional<Moment> at = TimeOf(X509_get0_notAfter(cert));
      if (at && at->at < soonest_at.at) {
        soonest = cert;
        soonest_at = std::move(*at);
      }
    }
    if (soonest != nullptr) {
      facts->chain_not_after = soonest_at.at;
      facts->chain_expires = std::move(soonest_at.text);
      facts->chain_subject = NameText(X509_get_subject_name(soonest));
    }
  }
  return facts;
}

}  // namespace

std::shared_ptr<const CertificateFacts> PeerCertificate(SSL* ssl) {
  if (ssl == nullptr || SSL_is_init_finished(ssl) == 0) return nullptr;
  const int index = SlotIndex();
  if (index < 0) return Read(ssl);
  if (auto* kept = static_cast<Facts*>(SSL_get_ex_data(ssl, index))) return *kept;
  Facts facts = Read(ssl);
  if (!facts) return nullptr;
  auto kept = std::make_unique<Facts>(facts);
  if (SSL_set_ex_data(ssl, index, kept.get()) == 1) static_cast<void>(kept.release());
  return facts;
}

}  // namespace fetchpool
