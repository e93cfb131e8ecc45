#include "fetchpool/output/certificate_digest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

namespace fetchpool {

std::string_view HostOfUrl(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (const std::size_t at = url.rfind('@'); at != std::string_view::npos)
    url.remove_prefix(at + 1);
  return url;
}

std::string HostsText(const CertificateDigest::Entry& e) {
  std::string out;
  for (const std::string& host : e.hosts) {
    if (!out.empty()) out += ", ";
    out += host;
  }
  if (const std::size_t more = e.more_hosts(); more > 0) {
    out += fmt::format(" and {}{} more", more,
                       e.host_hashes.size() == CertificateDigest::kHostsCounted ? "+" : "");
  }
  return out;
}

std::string ExpiringText(const CertificateFacts& f) {
  if (f.soonest() != f.not_after) return "intermediate " + f.chain_subject;
  return f.subject;
}

void CertificateDigest::Add(const Result& r) {
  const std::shared_ptr<const CertificateFacts>& facts = r.transfer.certificate;
  if (!facts) return;
  const auto soonest = facts->soonest();
  // The common case first: a certificate already listed (URLs on one connection share facts).
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) {
    return e.facts == facts || (e.facts->sha256 == facts->sha256 && !facts->sha256.empty());
  });
  if (it == entries_.end()) {
    if (entries_.size() == kKept && soonest >= entries_.back().facts->soonest()) return;
    if (entries_.size() == kKept) entries_.pop_back();
    it = std::upper_bound(entries_.begin(), entries_.end(), soonest,
                          [](auto t, const Entry& e) { return t < e.facts->soonest(); });
    it = entries_.insert(it, Entry{.facts = facts});
  }
  ++it->urls;
  const std::string_view host =
      HostOfUrl(r.transfer.effective_url.empty() ? r.origin.url : r.transfer.effective_url);
  if (host.empty() || it->host_hashes.size() == kHostsCounted) return;
  const std::size_t hash = std::hash<std::string_view>{}(host);
  auto& hashes = it->host_hashes;
  if (std::find(hashes.begin(), hashes.end(), hash) != hashes.end()) return;
  hashes.push_back(hash);
  if (it->hosts.size() < kHostsNamed) it->hosts.emplace_back(host);
}

}  // namespace fetchpool
