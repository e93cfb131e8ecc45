#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// How a name lookup ended. A missing name and a resolver that failed or did not answer are told
// apart: the first is a fact about the name, the second may pass.
enum class LookupError {
  kNone,
  kNoSuchHost,  // NXDOMAIN, or the name has no address
  kFailed,      // server failure, refusal or no answer in time
  kStopped,     // the run's stop came first
};

struct Lookup {
  LookupError error = LookupError::kNone;
  // The addresses, as CURLOPT_RESOLVE takes them: "127.0.0.1,[::1]" (IPv6 in brackets).
  std::string addresses;
  std::string detail;  // the resolver's own words when it failed
};

// What a failed lookup of `host` says to people: "no such host: HOST", or "DNS lookup failed:
// HOST (the resolver's words)".
std::string LookupFailureText(std::string_view host, const Lookup& failed);

// Resolves host names for the workers. Tests replace it (as ninja replaces DiskInterface).
// Thread-safety: implementations are thread-safe; every worker calls Resolve.
class NameResolver {
 public:
  virtual ~NameResolver() = default;
  // Both address families. Returns within about 50 ms of `stop` or `timeout`.
  virtual Lookup Resolve(const std::string& host, std::chrono::milliseconds timeout,
                         std::stop_token stop) = 0;
};

// The system's resolver (getaddrinfo, so /etc/hosts, nsswitch and resolv.conf as every program
// sees them), asked by a small pool of lookup threads that live as long as the resolver: libcurl's
// threaded resolver starts a thread for every lookup, and a plain getaddrinfo in the worker could
// neither be cut short by a stop nor by --connect-timeout. A worker hands its name over and waits
// stop-aware, up to its timeout. A lookup it gave up on finishes in its thread and is dropped;
// a thread still inside getaddrinfo when the resolver goes is detached and ends by itself (as
// libcurl does with its resolver threads), so a silent DNS server can never hold the run's end.
// (glibc's getaddrinfo_a was tried first: its gai_suspend with a timeout races with the helper
// thread that finishes the lookup, and crashed one run in a few hundred.)
// Thread-safety: thread-safe.
class SystemResolver final : public NameResolver {
 public:
  explicit SystemResolver(int max_threads);
  ~SystemResolver() override;
  SystemResolver(const SystemResolver&) = delete;
  SystemResolver& operator=(const SystemResolver&) = delete;

  Lookup Resolve(const std::string& host, std::chrono::milliseconds timeout,
                 std::stop_token stop) override;

  struct Pool;  // shared with the lookup threads, which may outlive the resolver

 private:
  std::shared_ptr<Pool> pool_;
};

// A lookup's answers kept for `ttl` (libcurl's DNS cache keeps them 60 s), at most `capacity`
// names, the oldest dropped first; failures are not kept. In front of any NameResolver.
// Thread-safety: thread-safe; mutex_ guards the map, and is never held during a lookup.
class CachingResolver final : public NameResolver {
 public:
  CachingResolver(NameResolver& backend, std::chrono::seconds ttl, std::size_t capacity)
      : backend_(backend), ttl_(ttl), capacity_(capacity) {}
  Lookup Resolve(const std::string& host, std::chrono::milliseconds timeout,
                 std::stop_token stop) override EXCLUDES(mutex_);

 private:
  struct Entry {
    std::string addresses;
    std::chrono::steady_clock::time_point expires;
  };
  void Remember(const std::string& host, const std::string& addresses) EXCLUDES(mutex_);

  NameResolver& backend_;
  const std::chrono::seconds ttl_;
  const std::size_t capacity_;
  Mutex mutex_;
  std::unordered_map<std::string, Entry> entries_ GUARDED_BY(mutex_);
  std::deque<std::string> order_ GUARDED_BY(mutex_);  // oldest first
};

}  // namespace fetchpool
