#include "fetchpool/http/host_resolver.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <system_error>
#include <thread>
#include <vector>

#include "fetchpool/util/stop_wait.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {

// One name handed to the pool; the worker that asked and the lookup thread both hold it.
struct LookupRequest {
  std::string host;
  Lookup answer;
  bool done = false;  // guarded by Pool::mutex
  std::condition_variable finished;
};

// Thread-safety: every member is guarded by `mutex`.
struct SystemResolver::Pool {
  std::mutex mutex;
  std::condition_variable work;
  std::deque<std::shared_ptr<LookupRequest>> queue;
  int threads = 0;
  int idle = 0;
  int max_threads = 1;
  bool closing = false;
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
void ServeLookups(const std::shared_ptr<SystemResolver::Pool>& pool) {
  std::unique_lock lock(pool->mutex);
  for (;;) {
    ++pool->idle;
    pool->work.wait(lock, [&] { return pool->closing || !pool->queue.empty(); });
    --pool->idle;
    if (pool->queue.empty()) break;  // closing
    std::shared_ptr<LookupRequest> request = std::move(pool->queue.front());
    pool->queue.pop_front();
    lock.unlock();
    Lookup answer;
    try {
      answer = GetAddrInfo(request->host);
    } catch (...) {
      answer = {.error = LookupError::kFailed, .detail = "out of memory"};
    }
    lock.lock();
    request->answer = std::move(answer);
    request->done = true;
    request->finished.notify_one();
  }
  --pool->threads;
}

}  // namespace

std::string LookupFailureText(std::string_view host, const Lookup& failed) {
  if (failed.error == LookupError::kNoSuchHost) return fmt::format("no such host: {}", host);
  if (failed.detail.empty()) return fmt::format("DNS lookup failed: {}", host);
  return fmt::format("DNS lookup failed: {} ({})", host, LowerFirstWord(failed.detail));
}

SystemResolver::SystemResolver(int max_threads) : pool_(std::make_shared<Pool>()) {
  pool_->max_threads = std::max(max_threads, 1);
}

SystemResolver::~SystemResolver() {
  std::lock_guard lock(pool_->mutex);
  pool_->closing = true;
  pool_->work.notify_all();
}

Lookup SystemResolver::Resolve(const std::string& host, std::chrono::milliseconds timeout,
                               std::stop_token stop) {
  auto request = std::make_shared<LookupRequest>();
  request->host = host;
  std::unique_lock lock(pool_->mutex);
  pool_->queue.push_back(request);
  if (pool_->idle == 0 && pool_->threads < pool_->max_threads) {
    try {
      std::thread(ServeLookups, pool_).detach();  // see the class comment
      ++pool_->threads;
    } catch (const std::system_error&) {
      if (pool_->threads == 0) {
        pool_->queue.pop_back();
        return {.error = LookupError::kFailed, .detail = "cannot start a lookup thread"};
      }
    }
  } else {
    pool_->work.notify_one();
  }
  const bool answered =
      WaitUnlessStopped(lock, request->finished, stop, std::chrono::steady_clock::now() + timeout,
                        [&] { return request->done; });
  if (answered) return std::move(request->answer);
  // Given up: a queued request is dropped, one in progress finishes unread.
  std::erase(pool_->queue, request);
  if (stop.stop_requested()) return {.error = LookupError::kStopped, .detail = "aborted"};
  return {.error = LookupError::kFailed, .detail = "no answer in time"};
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
