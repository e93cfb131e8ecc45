#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fetchpool/hosts/adaptive_limit.hpp"
#include "fetchpool/hosts/host_manners.hpp"
#include "fetchpool/util/delay_queue.hpp"

namespace fetchpool {

// Every host the run is talking to, keyed by HostKey: how many transfers run there, how many
// may (the adaptive limit), until when it is paused (429, 503 + Retry-After), and when its next
// request may start (--per-host-rate). An item for a host that may not start now is parked in
// that host's side queue instead of blocking anyone; it comes back out of TakeReady once a slot
// frees (Release) or its time comes (Wake), so other hosts' items never wait behind it. Hosts
// with parked items take turns. An entry is dropped as soon as its host is idle (nothing running
// or parked, no pause or rate slot pending), so memory is bounded by the hosts in use and the
// items parked, which the caller bounds.
// Each host is held to its own rules (HostPolicies: a config section's), looked up when its
// entry is made.
// Thread-compatible: the dispatcher guards it with its own mutex. Time is always passed in.
template <typename T>
class HostTable {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  // A host's own rules (a config section's --per-host, --per-host-rate); empty: all use `rules`.
  using RulesLookup = std::function<HostRules(const std::string& host)>;

  explicit HostTable(HostRules rules, RulesLookup lookup = {})
      : rules_(rules), lookup_(std::move(lookup)) {}

  // Takes a slot for `host` and returns true when a request may start there now; false when it
  // must wait (then Park the item). The empty host (a job that makes no request) never waits.
  bool TryAcquire(const std::string& host, TimePoint now) {
    if (host.empty()) return true;
    auto it = Entry(host);
    Host& h = it->second;
    if (!h.parked && CanStart(h, now)) {
      Start(h, now);
      return true;
    }
    // Parked items for the host go first; they take the slot through TakeReady.
    if (h.parked) Schedule(it->first, h, now);
    return false;
  }

  // A request that took a slot has finished: learns from its answer and gives the slot back.
  HostChange Release(const std::string& host, TimePoint now, const HostAnswer& answer) {
    if (host.empty()) return {};
    auto it = hosts_.find(host);
    if (it == hosts_.end()) return {};
    Host& h = it->second;
    if (h.active > 0) --h.active;
    const HostChange change = Learn(h.rules, h.manners, now, answer);
    if (h.parked) {
      Schedule(it->first, h, now);
    } else if (!DropIfIdle(it, now)) {
      ScheduleTimer(it->first, h, now);  // to drop it once its pause or rate slot has passed
    }
    return change;
  }

  // Parks an item for a host that TryAcquire refused; `front` puts it ahead of the others for
  // that host (a retry that is already due).
  void Park(const std::string& host, T item, TimePoint now, bool front = false) {
    auto it = Entry(host);
    Host& h = it->second;
    if (!h.parked) h.parked = std::make_unique<std::deque<T>>();
    if (front) {
      h.parked->push_front(std::move(item));
    } else {
      h.parked->push_back(std::move(item));
    }
    ++parked_;
    Schedule(it->first, h, now);
  }

  // Hosts whose pause or rate slot has ended by `now` may start their parked items again.
  void Wake(TimePoint now) {
    while (std::optional<std::string> host = timers_.PopDue(now)) {
      auto it = hosts_.find(*host);
      if (it == hosts_.end()) continue;
      Host& h = it->second;
      if (h.timer > now) continue;  // a later wake-up was asked for meanwhile
      h.timer = {};
      if (h.parked) {
        Schedule(it->first, h, now);
      } else if (!DropIfIdle(it, now)) {
        ScheduleTimer(it->first, h, now);
      }
    }
  }

  // A parked item whose host may start a request now, with the slot taken; nullopt when none.
  std::optional<T> TakeReady(TimePoint now) {
    while (!ready_.empty()) {
      const std::string host = std::move(ready_.front());
      ready_.pop_front();
      auto it = hosts_.find(host);
      if (it == hosts_.end()) continue;
      Host& h = it->second;
      h.ready = false;
      if (!h.parked) {
        DropIfIdle(it, now);
        continue;
      }
      if (!CanStart(h, now)) {
        Schedule(it->first, h, now);  // a slot freeing or a timer marks it ready again
        continue;
      }
      T item = std::move(h.parked->front());
      h.parked->pop_front();
      --parked_;
      if (h.parked->empty()) h.parked.reset();
      Start(h, now);
      if (h.parked) Schedule(it->first, h, now);  // to the back of the line: take turns
      return item;
    }
    return std::nullopt;
  }

  // A parked item for `host` if that host may start a request now, with the slot taken.
  std::optional<T> TakeParkedFor(const std::string& host, TimePoint now) {
    auto it = hosts_.find(host);
    if (it == hosts_.end()) return std::nullopt;
    Host& h = it->second;
    if (!h.parked || !CanStart(h, now)) return std::nullopt;
    T item = std::move(h.parked->front());
    h.parked->pop_front();
    --parked_;
    if (h.parked->empty()) h.parked.reset();  // a listing in ready_ is dropped by TakeReady
    Start(h, now);
    return item;
  }

  // Whether TakeReady may have something.
  bool HasReady() const { return !ready_.empty(); }
  // When the earliest pause or rate slot that parked items wait for ends; nullopt when none.
  std::optional<TimePoint> NextWake() const { return timers_.NextDue(); }

  // Removes every parked item (the run is stopping). Slots taken stay taken until released.
  std::vector<T> TakeAllParked() {
    std::vector<T> out;
    out.reserve(parked_);
    for (auto& [name, h] : hosts_) {
      if (!h.parked) continue;
      for (T& item : *h.parked) out.push_back(std::move(item));
      h.parked.reset();
    }
    parked_ = 0;
    return out;
  }

  std::size_t parked() const { return parked_; }
  std::size_t hosts() const { return hosts_.size(); }
  // Transfers running to `host` now.
  int active(const std::string& host) const {
    auto it = hosts_.find(host);
    return it == hosts_.end() ? 0 : it->second.active;
  }
  // The host's current concurrency limit (the most when the host has no entry).
  int limit(const std::string& host) const {
    auto it = hosts_.find(host);
    if (it != hosts_.end()) return it->second.manners.limit.value();
    return lookup_ ? lookup_(host).max_at_once : rules_.max_at_once;
  }

 private:
  struct Host {
    explicit Host(const HostRules& own) : rules(own), manners(own) {}
    HostRules rules;
    int active = 0;
    bool ready = false;  // listed in ready_
    TimePoint timer{};   // a wake-up is listed in timers_ for this time; epoch: none
    HostManners manners;
    std::unique_ptr<std::deque<T>> parked;  // null while empty: most hosts never park anything
  };
  using Map = std::unordered_map<std::string, Host>;

  typename Map::iterator Entry(const std::string& host) {
    auto it = hosts_.find(host);
    if (it != hosts_.end()) return it;
    return hosts_.try_emplace(host, lookup_ ? lookup_(host) : rules_).first;
  }

  bool CanStart(const Host& h, TimePoint now) const {
    return h.active < h.manners.limit.value() && now >= h.manners.NextStart();
  }
  void Start(Host& h, TimePoint now) {
    ++h.active;
    h.manners.Started(h.rules, now);
  }

  // For a host with parked items: ready now, or a timer for when it may be, or (when only a
  // slot is missing) nothing: Release will call again.
  void Schedule(const std::string& host, Host& h, TimePoint now) {
    if (h.active >= h.manners.limit.value()) return;
    if (now >= h.manners.NextStart()) {
      if (!h.ready) {
        h.ready = true;
        ready_.push_back(host);
      }
      return;
    }
    ScheduleTimer(host, h, now);
  }

  // A wake-up for when the host's pause or rate slot ends; none when that has passed.
  void ScheduleTimer(const std::string& host, Host& h, TimePoint now) {
    const TimePoint when = h.manners.NextStart();
    if (when <= now) return;
    if (h.timer != TimePoint{} && h.timer <= when) return;  // an earlier one will look again
    h.timer = when;
    timers_.Push(when, host);
  }

  bool DropIfIdle(typename Map::iterator it, TimePoint now) {
    const Host& h = it->second;
    if (h.active > 0 || h.parked || h.ready || now < h.manners.NextStart()) return false;
    hosts_.erase(it);
    return true;
  }

  const HostRules rules_;
  const RulesLookup lookup_;
  Map hosts_;
  std::deque<std::string> ready_;   // hosts that have parked items and (probably) may start
  DelayQueue<std::string> timers_;  // when paused or rate-limited hosts may start again
  std::size_t parked_ = 0;
};

}  // namespace fetchpool
