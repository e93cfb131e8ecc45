#include "fetchpool/hosts/host_policies.hpp"

#include <algorithm>

#include "fetchpool/hosts/host_pattern.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

std::string_view HeaderName(std::string_view line) {
  return TrimOws(line.substr(0, line.find_first_of(":;")));
}

// The sections that apply to a host named `name` (or, for a wildcard, to every host under it),
// least specific first: the wildcards of its parent domains, shortest domain first, then its
// own section.
std::vector<const HostSection*> Chain(const std::vector<HostSection>& sections,
                                      std::string_view name, bool wildcard) {
  std::vector<std::pair<std::size_t, const HostSection*>> found;  // (specificity, section)
  for (const HostSection& s : sections) {
    const std::optional<HostPattern> p = ParseHostPattern(s.pattern, nullptr);
    if (!p) continue;  // the config loader refused it already
    if (p->wildcard == wildcard && p->name == name) {
      found.emplace_back(name.size() + 1, &s);  // its own section comes last
    } else if (p->wildcard && p->Matches(name)) {
      found.emplace_back(p->name.size(), &s);  // a longer domain is more specific
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const HostSection*> chain;
  chain.reserve(found.size());
  for (const auto& [rank, s] : found) chain.push_back(s);
  return chain;
}

}  // namespace

std::vector<std::string> MergeHeaders(const std::vector<std::string>& base,
                                      const std::vector<std::string>& over) {
  std::vector<std::string> out;
  out.reserve(base.size() + over.size());
  for (const std::string& line : base) {
    const std::string_view name = HeaderName(line);
    const bool replaced = std::any_of(over.begin(), over.end(), [&](const std::string& o) {
      return EqualsIgnoreCase(HeaderName(o), name);
    });
    if (!replaced) out.push_back(line);
  }
  out.insert(out.end(), over.begin(), over.end());
  return out;
}

HostPolicies::HostPolicies(const Options& options)
    : user_(options.fetch.user), location_trusted_(options.fetch.location_trusted) {
  ca_files_.push_back(options.fetch.cacert);
  HostPolicy base;
  base.carried_headers = options.fetch.headers;
  base.insecure = options.fetch.insecure;
  base.connect_timeout_s = options.fetch.connect_timeout_s;
  base.timeout_s = options.fetch.timeout_s;
  base.stall_timeout_s = options.fetch.stall_timeout_s;
  base.verdict = options.verdict;
  base.per_host = options.dispatch.per_host;
  base.per_host_interval = options.dispatch.per_host_interval;
  policies_.push_back(std::move(base));
  for (const HostSection& s : options.config.hosts) {
    const std::optional<HostPattern> p = ParseHostPattern(s.pattern, nullptr);
    if (!p) continue;
    HostPolicy policy = Resolve(p->name, p->wildcard, options);
    policy.index = policies_.size();
    policy.section = p->Text();
    (p->wildcard ? domains_ : exact_).emplace(p->name, policy.index);
    policies_.push_back(std::move(policy));
  }
}

HostPolicy HostPolicies::Resolve(std::string_view name, bool wildcard, const Options& options) {
  HostPolicy policy = policies_.front();
  for (const HostSection* s : Chain(options.config.hosts, name, wildcard)) Apply(s->set, policy);
  policy.carried_headers = MergeHeaders(options.fetch.headers, policy.headers);
  return policy;
}

void HostPolicies::Apply(const HostOverrides& set, HostPolicy& p) {
  if (set.headers) p.headers = MergeHeaders(p.headers, *set.headers);
  if (set.user) p.user = *set.user;
  if (set.accept) p.verdict.accept = *set.accept;
  if (set.warn) p.verdict.warn = *set.warn;
  if (set.per_host) p.per_host = *set.per_host;
  if (set.per_host_interval) p.per_host_interval = *set.per_host_interval;
  if (set.connect_timeout_s) p.connect_timeout_s = *set.connect_timeout_s;
  if (set.timeout_s) p.timeout_s = *set.timeout_s;
  if (set.stall_timeout_s) p.stall_timeout_s = *set.stall_timeout_s;
  if (set.insecure) p.insecure = *set.insecure;
  if (set.cacert) p.ca_file = CaFile(*set.cacert);
}

std::size_t HostPolicies::CaFile(const std::string& path) {
  const auto it = std::find(ca_files_.begin(), ca_files_.end(), path);
  if (it != ca_files_.end()) return static_cast<std::size_t>(it - ca_files_.begin());
  ca_files_.push_back(path);
  return ca_files_.size() - 1;
}

const HostPolicy& HostPolicies::For(std::string_view host) const {
  if (policies_.size() == 1) return policies_.front();
  if (const auto it = exact_.find(host); it != exact_.end()) return policies_[it->second];
  if (domains_.empty()) return policies_.front();
  // The longest matching domain is the most specific wildcard.
  for (std::size_t dot = host.find('.'); dot != std::string_view::npos;
       dot = host.find('.', dot + 1)) {
    if (const auto it = domains_.find(host.substr(dot + 1)); it != domains_.end()) {
      return policies_[it->second];
    }
  }
  return policies_.front();
}

HostRules HostPolicies::RulesFor(std::string_view host, const HostRules& base) const {
  const HostPolicy& p = For(host);
  if (p.index == 0) return base;
  HostRules rules = base;
  if (p.per_host > 0) rules.max_at_once = p.per_host;
  rules.start_interval = p.per_host_interval;
  return rules;
}

}  // namespace fetchpool
