#include "fetchpool/core/expectations.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <iterator>

#include "fetchpool/core/result.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string ParseOne(std::string_view token, Expectations& out) {
  const auto eq = token.find('=');
  const std::string_view name = token.substr(0, eq);
  const std::string_view value = eq == std::string_view::npos ? "" : token.substr(eq + 1);
  if (eq == std::string_view::npos || value.empty()) {
    return fmt::format("'{}' is not a check (expected status=, max-ms=, contains= or sha256=)",
                       token);
  }
  if (name == "status") {
    out.status = StatusSet::Parse(value);
    if (!out.status)
      return fmt::format("bad check status={}: expected e.g. 200,301 or 200-299", value);
  } else if (name == "max-ms") {
    long ms = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec != std::errc() || end != value.data() + value.size() || ms <= 0) {
      return fmt::format("bad check max-ms={}: expected a positive whole number", value);
    }
    out.max_ms = ms;
  } else if (name == "contains") {
    out.contains = PercentDecode(value);
    out.contains_text = std::string(value);
  } else if (name == "sha256") {
    std::string hex = AsciiLower(value);
    if (hex.size() != 64 || !IsLowerHex(hex)) {
      return fmt::format("bad check sha256={}: expected 64 hex digits", value);
    }
    out.sha256 = std::move(hex);
  } else {
    return fmt::format("unknown check '{}' (expected status=, max-ms=, contains= or sha256=)",
                       token);
  }
  return {};
}

}  // namespace

std::string ParseExpectations(std::string_view text, Expectations& out) {
  for (;;) {
    const auto start = text.find_first_not_of(kAsciiSpace);
    if (start == std::string_view::npos) return {};
    text.remove_prefix(start);
    const auto end = text.find_first_of(kAsciiSpace);
    if (std::string why = ParseOne(text.substr(0, end), out); !why.empty()) return why;
    if (end == std::string_view::npos) return {};
    text.remove_prefix(end);
  }
}

struct BodyChecker::Digest {
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx{EVP_MD_CTX_new()};
};

BodyChecker::BodyChecker() : digest_(std::make_unique<Digest>()) {}
BodyChecker::~BodyChecker() = default;

void BodyChecker::Reset(const Expectations* expect) {
  expect_ = expect;
  Restart();
}

void BodyChecker::Restart() {
  found_ = false;
  tail_.clear();
  if (expect_ != nullptr && !expect_->sha256.empty() && digest_->ctx) {
    EVP_DigestInit_ex(digest_->ctx.get(), EVP_sha256(), nullptr);
  }
}

void BodyChecker::Consume(std::string_view data) {
  if (expect_ == nullptr || !expect_->NeedsBody()) return;
  if (!expect_->sha256.empty() && digest_->ctx) {
    EVP_DigestUpdate(digest_->ctx.get(), data.data(), data.size());
  }
  if (expect_->contains && !found_) {
    const std::string& needle = *expect_->contains;
    if (needle.empty()) {
      found_ = true;
      return;
    }
    tail_.append(data);
    const std::boyer_moore_horspool_searcher searcher(needle.begin(), needle.end());
    found_ = std::search(tail_.begin(), tail_.end(), searcher) != tail_.end();
    if (tail_.size() >= needle.size()) tail_.erase(0, tail_.size() - (needle.size() - 1));
  }
}

void BodyChecker::Observe(BodyFacts& facts) {
  if (expect_ == nullptr) return;
  facts.contains_found = found_;
  if (expect_->sha256.empty()) return;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (!digest_->ctx || EVP_DigestFinal_ex(digest_->ctx.get(), md, &md_len) != 1) return;
  facts.sha256.clear();
  for (unsigned int i = 0; i < md_len; ++i) {
    fmt::format_to(std::back_inserter(facts.sha256), "{:02x}", md[i]);
  }
}

}  // namespace fetchpool
