// CurlFetcher's name lookups: each request's host through the run's resolver (pinned with
// CURLOPT_RESOLVE), and --each-address's list of a name's addresses and the one a job connects to.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "fetchpool/http/curl_fetcher.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {

std::optional<Lookup> CurlFetcher::LookUp(const std::string& host, TransferFacts& facts) {
  const double seconds = policies_->For(host).connect_timeout_s;
  const auto start = std::chrono::steady_clock::now();
  Lookup found =
      resolver_->Resolve(host, std::chrono::milliseconds(std::llround(seconds * 1000.0)), stop_);
  lookup_took_ += std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  if (found.error == LookupError::kStopped) {
    facts.failure = ErrorKind::kAborted;
    facts.failure_detail = "aborted";
    return std::nullopt;
  }
  if (found.error != LookupError::kNone) {
    facts.failure =
        found.error == LookupError::kNoSuchHost ? ErrorKind::kNoSuchHost : ErrorKind::kResolve;
    facts.failure_detail = LookupFailureText(host, found);
    return std::nullopt;
  }
  return found;
}

std::vector<std::string> CurlFetcher::Addresses(const Job& job, TransferFacts& facts) {
  const std::string& host = job.target.host;
  if (host.empty() || job.target.port == 0) return {};
  if (job.target.ip_literal) {
    return {host.starts_with('[') ? host.substr(1, host.size() - 2) : host};
  }
  if (resolver_ == nullptr) return {};  // through a proxy, which --each-address refuses
  const std::optional<Lookup> found = LookUp(host, facts);
  if (!found) return {};
  std::vector<std::string> out;
  std::string_view list = found->addresses;
  while (!list.empty()) {
    std::string_view one = list.substr(0, list.find(','));
    list.remove_prefix(std::min(list.size(), one.size() + 1));
    if (one.size() > 2 && one.front() == '[') one = one.substr(1, one.size() - 2);
    if (!one.empty()) out.emplace_back(one);
  }
  return out;
}

// --each-address: requests to the job's listed host, on any port (a redirect from http to https
// on the same name stays on the address), connect to its one address, whatever the name resolves
// to, and only reuse a connection made to it (libcurl matches CONNECT_TO on reuse). A redirect to
// any other host does not match the entry: it is looked up as usual.
void CurlFetcher::ConnectTo(const Job& job) {
  std::string entry;
  pinned_host_.clear();
  if (!job.origin.address.empty()) {
    const bool v6 = job.origin.address.find(':') != std::string::npos;
    entry = fmt::format("{}::{}{}{}:", job.target.host, v6 ? "[" : "", job.origin.address,
                        v6 ? "]" : "");
    pinned_host_ = job.target.host;
  }
  if (entry == connect_to_entry_) return;
  Slist list;
  if (!entry.empty() && !list.Append(entry)) {
    pinned_host_.clear();  // out of memory: the host is looked up, so its result says why
    return;
  }
  connect_to_ = std::move(list);
  connect_to_entry_ = std::move(entry);
  curl_easy_setopt(easy_.get(), CURLOPT_CONNECT_TO, connect_to_.get());
}

bool CurlFetcher::PinAddresses(const RequestTarget& target, TransferFacts& facts) {
  if (resolver_ == nullptr || target.ip_literal || target.port == 0 || target.host.empty()) {
    return true;
  }
  // The job's own address (--each-address) stands for this host: CONNECT_TO takes it there.
  if (!pinned_host_.empty() && EqualsIgnoreCase(target.host, pinned_host_)) return true;
  // libcurl answers "localhost" and "*.localhost" itself (RFC 6761), without any lookup.
  if (target.host == "localhost" || target.host.ends_with(".localhost")) return true;
  const std::optional<Lookup> found = LookUp(target.host, facts);
  if (!found) return false;
  const auto now = std::chrono::steady_clock::now();
  // "+": libcurl's entry ages out like one it looked up itself. Given again only when it
  // changed or may have aged out: libcurl parses the list anew at every transfer it is set for.
  std::string entry = fmt::format("+{}:{}:{}", target.host, target.port, found->addresses);
  CURL* h = easy_.get();
  if (entry == resolve_entry_ && now - resolve_set_at_ < std::chrono::seconds(30)) {
    curl_easy_setopt(h, CURLOPT_RESOLVE, nullptr);
    return true;
  }
  Slist list;
  if (!list.Append(entry)) return true;  // out of memory: libcurl resolves it itself
  resolve_ = std::move(list);
  resolve_entry_ = std::move(entry);
  resolve_set_at_ = now;
  curl_easy_setopt(h, CURLOPT_RESOLVE, resolve_.get());
  return true;
}

}  // namespace fetchpool
