#pragma once

#include <chrono>
#include <optional>

#include "fetchpool/hosts/adaptive_limit.hpp"

namespace fetchpool {

// The rules every host is held to, from the command line. A plain value.
struct HostRules {
  int max_at_once = 8;   // --per-host, else --workers: the adaptive limit's ceiling
  bool adaptive = true;  // the limit halves on 429 and grows back
  std::chrono::nanoseconds start_interval{0};     // --per-host-rate; 0: none
  std::chrono::milliseconds throttle_wait{1000};  // --retry-wait: a 429 without Retry-After
  std::chrono::milliseconds max_wait{60000};      // --retry-max-wait: the longest pause
};

// What one finished request tells about its host.
struct HostAnswer {
  std::chrono::steady_clock::time_point started;
  long http_status = 0;  // 0: no response arrived
  std::optional<std::chrono::seconds> retry_after;
};

// What an answer changed, for -v and the per-host stats.
struct HostChange {
  std::chrono::steady_clock::duration pause{0};        // a pause began, this long; 0: none began
  std::chrono::steady_clock::duration paused_more{0};  // how much the pause grew, new or not
  int limit = 0;                                       // the limit after the answer
  bool cut = false;                                    // the limit was cut
};

// One host's manners: its adaptive limit, until when it is paused, and when the next request
// may start. The pause rules: a 429, or a 503 with Retry-After, pauses every new request to the
// host until the time it names, capped by max_wait; a 429 without Retry-After pauses for
// throttle_wait, doubling with each further 429 sent after the pause began (capped too).
// Thread-compatible: a HostTable entry.
struct HostManners {
  using Clock = std::chrono::steady_clock;

  explicit HostManners(const HostRules& rules) : limit(rules.max_at_once, rules.adaptive) {}

  // The earliest time a request may start: after the pause and the rate slot.
  Clock::time_point NextStart() const {
    return paused_until > next_slot ? paused_until : next_slot;
  }
  // A request starts at `now`: the next one waits for its rate slot.
  void Started(const HostRules& rules, Clock::time_point now);

  AdaptiveLimit limit;
  Clock::time_point paused_until{};
  Clock::time_point next_slot{};
  Clock::time_point pause_began{};  // of the latest pause
  int throttled_in_row = 0;         // 429s without Retry-After, one per pause
};

// Applies one answer to `manners`.
HostChange Learn(const HostRules& rules, HostManners& manners,
                 std::chrono::steady_clock::time_point now, const HostAnswer& answer);

}  // namespace fetchpool
