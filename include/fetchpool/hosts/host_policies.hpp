#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fetchpool/core/options.hpp"
#include "fetchpool/hosts/host_manners.hpp"

namespace fetchpool {

// What one host gets: the run's settings with the config sections that match it laid over them,
// least specific first ("*.example.com", then "*.api.example.com", then "api.example.com"), each
// key of a later section replacing the same key of an earlier one (headers by name). A plain
// value.
struct HostPolicy {
  std::size_t index = 0;  // in HostPolicies; 0: the run's own, no section matched
  std::string section;    // the most specific section's pattern; "" for none

  // For every request to this host, a redirect's target included. Sections' headers and
  // credentials: `headers`, `user`. What a request to a listed URL's own host sends (and, with
  // --location-trusted, any request): `carried_headers` (the run's -H lines with the sections'
  // on top) and `user`, else the run's -u.
  std::vector<std::string> headers;
  std::vector<std::string> carried_headers;
  std::optional<std::string> user;
  bool insecure = false;
  std::size_t ca_file = 0;  // index in HostPolicies::ca_files()

  // For a URL whose listed host this is, through all its redirects and retries.
  double connect_timeout_s = 10.0;
  double timeout_s = 0.0;
  double stall_timeout_s = 30.0;
  VerdictOptions verdict;  // its --accept and --warn (the verdict asks for them by host)
  int per_host = 0;        // 0: no limit beyond --workers
  std::chrono::nanoseconds per_host_interval{0};
};

// Every host's settings, resolved once at setup from the options tree (the command line with the
// config's top level under it, and the config's sections). Looking a host up costs one hash per
// label of its name, and nothing at all without sections.
// Thread-safety: immutable after construction; any number of threads may read it.
class HostPolicies {
 public:
  explicit HostPolicies(const Options& options);

  // `host` as HostKey keys it (Job::host).
  const HostPolicy& For(std::string_view host) const;

  // The run's own credentials (-u, or the config's top-level user); "" for none.
  const std::string& user() const { return user_; }
  bool location_trusted() const { return location_trusted_; }
  // The CA bundles in use: [0] is the run's (--cacert, "" for the default choice), then each
  // other file a section names, once.
  const std::vector<std::string>& ca_files() const { return ca_files_; }
  std::size_t size() const { return policies_.size(); }
  // Per-host limits as the dispatcher's host table wants them, from `base` (the run's).
  HostRules RulesFor(std::string_view host, const HostRules& base) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>>;

  HostPolicy Resolve(std::string_view name, bool wildcard, const Options& options);
  void Apply(const HostOverrides& set, HostPolicy& policy);
  std::size_t CaFile(const std::string& path);

  std::vector<HostPolicy> policies_;  // [0]: the run's own
  Index exact_;                       // host -> policy
  Index domains_;                     // "example.com" of "*.example.com" -> policy
  std::vector<std::string> ca_files_;
  std::string user_;
  bool location_trusted_ = false;
};

// `base` header lines with `over` laid on top: a line of `over` replaces every line of `base`
// with the same name (case-insensitive; "Name:", "Name;" and "Name: v" all name Name).
std::vector<std::string> MergeHeaders(const std::vector<std::string>& base,
                                      const std::vector<std::string>& over);

}  // namespace fetchpool
