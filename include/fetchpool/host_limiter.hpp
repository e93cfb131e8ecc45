#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fetchpool {

// What --per-host counts as one host: the URL's host name, lower-cased (the port does not
// matter). Empty when curl_url cannot find one.
std::string HostKey(std::string_view url);

// --per-host: at most `limit` transfers at once to one host. An item for a host at its limit is
// parked in that host's side queue instead of blocking anyone, and comes back out of TakeReady
// once a slot for its host frees, so URLs for other hosts never wait behind a busy one. Hosts
// with parked items get freed slots in turn. Entries for idle hosts are dropped, so memory is
// bounded by the hosts in use and the items parked (which the caller bounds).
// Thread-compatible: the dispatcher guards it with its own mutex.
template <typename T>
class HostLimiter {
 public:
  // `limit` 0 means no limit: every TryAcquire succeeds and nothing is tracked.
  explicit HostLimiter(int limit) : limit_(limit) {}

  // Takes a slot for `host` and returns true, or returns false when the host is at its limit.
  // The empty host (a job that makes no request) is never limited.
  bool TryAcquire(const std::string& host) {
    if (limit_ <= 0 || host.empty()) return true;
    Host& h = hosts_[host];
    if (h.active >= limit_ || !h.parked.empty()) {
      // Parked items for the host go first; they take the slot through TakeReady.
      if (h.active < limit_) MarkReady(host, h);
      return false;
    }
    ++h.active;
    return true;
  }

  // Gives back a slot taken by TryAcquire or TakeReady.
  void Release(const std::string& host) {
    if (limit_ <= 0 || host.empty()) return;
    auto it = hosts_.find(host);
    if (it == hosts_.end()) return;
    Host& h = it->second;
    if (h.active > 0) --h.active;
    if (!h.parked.empty()) {
      MarkReady(host, h);
    } else if (h.active == 0 && !h.ready) {
      hosts_.erase(it);
    }
  }

  // Parks an item for a host that TryAcquire refused; `front` puts it ahead of the others for
  // that host (a retry that is already due).
  void Park(const std::string& host, T item, bool front = false) {
    Host& h = hosts_[host];
    if (front) {
      h.parked.push_front(std::move(item));
    } else {
      h.parked.push_back(std::move(item));
    }
    ++parked_;
    if (h.active < limit_) MarkReady(host, h);
  }

  // A parked item whose host has a free slot, with that slot taken; nullopt when there is none.
  std::optional<T> TakeReady() {
    while (!ready_.empty()) {
      const std::string host = std::move(ready_.front());
      ready_.pop_front();
      auto it = hosts_.find(host);
      if (it == hosts_.end()) continue;
      Host& h = it->second;
      h.ready = false;
      if (h.parked.empty() || h.active >= limit_) {
        if (h.parked.empty() && h.active == 0) hosts_.erase(it);
        continue;
      }
      T item = std::move(h.parked.front());
      h.parked.pop_front();
      --parked_;
      ++h.active;
      if (!h.parked.empty() && h.active < limit_) MarkReady(host, h);  // to the back: take turns
      return item;
    }
    return std::nullopt;
  }

  // Whether TakeReady may have something.
  bool HasReady() const { return !ready_.empty(); }

  // Removes every parked item (the run is stopping). Slots taken stay taken until released.
  std::vector<T> TakeAllParked() {
    std::vector<T> out;
    out.reserve(parked_);
    for (auto& [name, h] : hosts_) {
      for (T& item : h.parked) out.push_back(std::move(item));
      h.parked.clear();
    }
    parked_ = 0;
    return out;
  }

  std::size_t parked() const { return parked_; }
  // Transfers running to `host` now.
  int active(const std::string& host) const {
    auto it = hosts_.find(host);
    return it == hosts_.end() ? 0 : it->second.active;
  }

 private:
  struct Host {
    int active = 0;
    bool ready = false;  // listed in ready_
    std::deque<T> parked;
  };

  void MarkReady(const std::string& host, Host& h) {
    if (h.ready) return;
    h.ready = true;
    ready_.push_back(host);
  }

  const int limit_;
  std::unordered_map<std::string, Host> hosts_;
  std::deque<std::string> ready_;  // hosts that have parked items and (probably) a free slot
  std::size_t parked_ = 0;
};

}  // namespace fetchpool
