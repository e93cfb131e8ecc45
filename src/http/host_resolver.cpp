#include "fetchpool/http/host_resolver.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <system_error>
#include <thread>
#include <vector>

#include "fetchpool/util/cond_var.hpp"
#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/mutex_lock.hpp"
#include "fetchpool/util/stop_wait.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/thread_annotations.hpp"

namespace fetchpool {

// One name handed to the pool; the worker that asked and the lookup thread both hold it.
// Thread-safety: `host` is set before the request is queued; `mutex` guards the answer. A mutex
// of its own, not the pool's, so the analysis can tie the answer to the lock the waiter holds.
struct LookupRequest {
  std::string host;
  Mutex mutex;
  CondVar finished;
  Lookup answer GUARDED_BY(mutex);
  bool done GUARDED_BY(mutex) = false;
};

// Thread-safety: `mutex` guards every other member.
struct SystemResolver::Pool {
  Mutex mutex;
  CondVar work;
  std::deque<std::shared_ptr<LookupRequest>> queue GUARDED_BY(mutex);
  int threads GUARDED_BY(mutex) = 0;
  int idle GUARDED_BY(mutex) = 0;
  int max_threads GUARDED_BY(mutex) = 1;
  bool closing GUARDED_BY(mutex) = false;
};

namespace {

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

Lookup GetAddrInfo(const std::string& host) {
  // Both families, as libcurl asks; it then tries them happy-eyeballs. No AI_ADDRCONFIG: a host
  // with only loopback addresses would get no answer for names in /etc/hosts.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list); rc != 0) {
    return Failure(rc);
  }
  Lookup found{.addresses = Addresses(list)};
  freeaddrinfo(list);
  if (found.addresses.empty()) return Failure(EAI_NONAME);
  return found;
}

// A lookup thread: takes names until the resolver closes. Nothing here may throw out of the
// thread; a failed allocation becomes the lookup's failure.
void ServeLookups(const std::shared_ptr<SystemResolver::Pool>& shared) {
  SystemResolver::Pool& pool = *shared;
  MutexLock lock(pool.mutex);
  for (;;) {
    ++pool.idle;
    while (!pool.closing && pool.queue.empty()) pool.work.Wait(pool.mutex);
    --pool.idle;
    if (pool.queue.empty()) break;  // closing
    std::shared_ptr<LookupRequest> taken = std::move(pool.queue.front());
    pool.queue.pop_front();
    lock.Unlock();
    LookupRequest& request = *taken;
    Lookup answer;
    try {
      answer = GetAddrInfo(request.host);
    } catch (...) {
      answer = {.error = LookupError::kFailed, .detail = "out of memory"};
    }
    {
      MutexLock answered(request.mutex);
      request.answer = std::move(answer);
      request.done = true;
      request.finished.NotifyOne();
    }
    lock.Lock();
  }
  --pool.threads;
}

}  // namespace

std::string LookupFailureText(std::string_view host, const Lookup& failed) {
  if (failed.error == LookupError::kNoSuchHost) return fmt::format("no such host: {}", host);
  if (failed.detail.empty()) return fmt::format("DNS lookup failed: {}", host);
  return fmt::format("DNS lookup failed: {} ({})", host, LowerFirstWord(failed.detail));
}

SystemResolver::SystemResolver(int max_threads) : pool_(std::make_shared<Pool>()) {
  Pool& pool = *pool_;
  MutexLock lock(pool.mutex);  // no other thread yet, but the analysis asks for it
  pool.max_threads = std::max(max_threads, 1);
}

SystemResolver::~SystemResolver() {
  Pool& pool = *pool_;
  MutexLock lock(pool.mutex);
  pool.closing = true;
  pool.work.NotifyAll();
}

Lookup SystemResolver::Resolve(const std::string& host, std::chrono::milliseconds timeout,
                               std::stop_token stop) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto shared = std::make_shared<LookupRequest>();
  LookupRequest& request = *shared;
  request.host = host;
  Pool& pool = *pool_;
  {
    MutexLock lock(pool.mutex);
    pool.queue.push_back(shared);
    if (pool.idle == 0 && pool.threads < pool.max_threads) {
      try {
        std::thread(ServeLookups, pool_).detach();  // see the class comment
        ++pool.threads;
      } catch (const std::system_error&) {
        if (pool.threads == 0) {
          pool.queue.pop_back();
          return {.error = LookupError::kFailed, .detail = "cannot start a lookup thread"};
        }
      }
    } else {
      pool.work.NotifyOne();
    }
  }
  {
    StopWait wait(stop, request.finished);
    MutexLock lock(request.mutex);
    while (!request.done && wait.WaitUntil(request.mutex, deadline)) {
    }
    if (request.done && !stop.stop_requested()) return std::move(request.answer);
  }
  // Given up: a queued request is dropped, one in progress finishes unread.
  {
    MutexLock lock(pool.mutex);
    std::erase(pool.queue, shared);
  }
  if (stop.stop_requested()) return {.error = LookupError::kStopped, .detail = "aborted"};
  return {.error = LookupError::kFailed, .detail = "no answer in time"};
}

Lookup CachingResolver::Resolve(const std::string& host, std::chrono::milliseconds timeout,
                                std::stop_token stop) {
  {
    MutexLock lock(mutex_);
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
  MutexLock lock(mutex_);
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
