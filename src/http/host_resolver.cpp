#include "fetchpool/http/host_resolver.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <vector>

namespace fetchpool {
namespace {

// One getaddrinfo_a request. glibc's helper thread writes into it until the request ends, so a
// request abandoned by a stop or a timeout cannot be freed by its worker: it goes to the
// graveyard, which frees it once glibc is done.
struct Request {
  gaicb cb{};
  addrinfo hints{};
  std::string name;
};

// Thread-safety: thread-safe (its own mutex). Never destroyed: glibc may still be writing into
// its requests when the process exits, and keeping them reachable keeps LeakSanitizer quiet.
class Graveyard {
 public:
  static Graveyard& Get() {
    static Graveyard* const instance = new Graveyard;
    return *instance;
  }
  void Bury(std::unique_ptr<Request> request) {
    std::lock_guard lock(mutex_);
    Sweep();
    requests_.push_back(std::move(request));
  }

 private:
  void Sweep() {
    std::erase_if(requests_, [](const std::unique_ptr<Request>& r) {
      if (gai_error(&r->cb) == EAI_INPROGRESS) return false;
      if (r->cb.ar_result != nullptr) freeaddrinfo(r->cb.ar_result);
      return true;
    });
  }
  std::mutex mutex_;
  std::vector<std::unique_ptr<Request>> requests_;  // guarded by mutex_
};

std::string Addresses(const addrinfo* list) {
  std::string out;
  std::vector<std::string> seen;
  for (const addrinfo* a = list; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = nullptr;
    if (a->ai_family == AF_INET) {
      raw = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
    } else if (a->ai_family == AF_INET6) {
      raw = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
    }
    if (raw == nullptr || inet_ntop(a->ai_family, raw, text, sizeof text) == nullptr) continue;
    std::string address = a->ai_family == AF_INET6 ? "[" + std::string(text) + "]" : text;
    if (std::find(seen.begin(), seen.end(), address) != seen.end()) continue;
    seen.push_back(address);
    if (!out.empty()) out += ',';
    out += address;
  }
  return out;
}

Lookup Failure(int code) {
  switch (code) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
      return {.error = LookupError::kNoSuchHost, .detail = gai_strerror(code)};
    default:
      return {.error = LookupError::kFailed, .detail = gai_strerror(code)};
  }
}

timespec Slice(std::chrono::steady_clock::duration left) {
  // Short slices keep the wait stop-aware; gai_suspend returns at once when the request ends.
  const auto slice =
      std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50));
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(slice).count();
  return {.tv_sec = static_cast<time_t>(ns / 1'000'000'000),
          .tv_nsec = static_cast<long>(ns % 1'000'000'000)};
}

}  // namespace

Lookup SystemResolver::Resolve(const std::string& host, std::chrono::milliseconds timeout,
                               std::stop_token stop) {
  auto request = std::make_unique<Request>();
  request->name = host;
  // Both families, as libcurl asks; it then tries them happy-eyeballs. No AI_ADDRCONFIG: a host
  // with only loopback addresses would get no answer for names in /etc/hosts.
  request->hints.ai_family = AF_UNSPEC;
  request->hints.ai_socktype = SOCK_STREAM;
  request->cb.ar_name = request->name.c_str();
  request->cb.ar_request = &request->hints;
  gaicb* list[1] = {&request->cb};
  if (const int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, nullptr); rc != 0) return Failure(rc);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int rc = 0;
  while ((rc = gai_error(&request->cb)) == EAI_INPROGRESS) {
    const auto now = std::chrono::steady_clock::now();
    if (stop.stop_requested() || now >= deadline) {
      const bool stopped = stop.stop_requested();
      if (gai_cancel(&request->cb) == EAI_CANCELED) {
        request.reset();
      } else {
        Graveyard::Get().Bury(std::move(request));
      }
      if (stopped) return {.error = LookupError::kStopped, .detail = "aborted"};
      return {.error = LookupError::kFailed, .detail = "no answer in time"};
    }
    const timespec slice = Slice(deadline - now);
    gai_suspend(list, 1, &slice);
  }
  if (rc != 0) return Failure(rc);
  Lookup found{.addresses = Addresses(request->cb.ar_result)};
  freeaddrinfo(request->cb.ar_result);
  if (found.addresses.empty()) return Failure(EAI_NONAME);
  return found;
}

Lookup CachingResolver::Resolve(const std::string& host, std::chrono::milliseconds timeout,
                                std::stop_token stop) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(host); it != entries_.end()) {
      if (std::chrono::steady_clock::now() < it->second.expires) {
        return {.addresses = it->second.addresses};
      }
    }
  }
  Lookup found = backend_.Resolve(host, timeout, std::move(stop));
  if (found.error == LookupError::kNone) Remember(host, found.addresses);
  return found;
}

void CachingResolver::Remember(const std::string& host, const std::string& addresses) {
  const auto expires = std::chrono::steady_clock::now() + ttl_;
  std::lock_guard lock(mutex_);
  auto [it, added] = entries_.try_emplace(host, Entry{addresses, expires});
  if (!added) {
    it->second = Entry{addresses, expires};
    return;
  }
  order_.push_back(host);
  while (entries_.size() > capacity_ && !order_.empty()) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace fetchpool
