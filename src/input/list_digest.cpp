#include "fetchpool/input/list_digest.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <iterator>

namespace fetchpool {
namespace {

constexpr std::size_t kFlushAt = std::size_t{64} * 1024;

}  // namespace

struct ListDigest::Context {
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx{EVP_MD_CTX_new()};
  bool ok = false;
};

ListDigest::ListDigest() : context_(std::make_unique<Context>()) {
  context_->ok =
      context_->ctx && EVP_DigestInit_ex(context_->ctx.get(), EVP_sha256(), nullptr) == 1;
  pending_.reserve(kFlushAt + 1024);
}

ListDigest::~ListDigest() = default;

void ListDigest::Add(std::string_view url_line) {
  ++urls_;
  pending_.append(url_line);
  pending_ += '\n';
  if (pending_.size() >= kFlushAt) Flush();
}

void ListDigest::Flush() {
  if (context_->ok && !pending_.empty()) {
    context_->ok = EVP_DigestUpdate(context_->ctx.get(), pending_.data(), pending_.size()) == 1;
  }
  pending_.clear();
}

ListIdentity ListDigest::Finish() {
  Flush();
  ListIdentity out{.urls = urls_};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (!context_->ok || EVP_DigestFinal_ex(context_->ctx.get(), md, &md_len) != 1) return out;
  context_->ok = false;
  out.digest = "sha256:";
  for (unsigned int i = 0; i < md_len; ++i) {
    fmt::format_to(std::back_inserter(out.digest), "{:02x}", md[i]);
  }
  return out;
}

}  // namespace fetchpool
