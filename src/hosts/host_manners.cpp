#include "fetchpool/hosts/host_manners.hpp"

#include <algorithm>

namespace fetchpool {

void HostManners::Started(const HostRules& rules, Clock::time_point now) {
  if (rules.start_interval.count() > 0) {
    next_slot = now + std::chrono::duration_cast<Clock::duration>(rules.start_interval);
  }
}

HostChange Learn(const HostRules& rules, HostManners& m, std::chrono::steady_clock::time_point now,
                 const HostAnswer& answer) {
  using Clock = std::chrono::steady_clock;
  HostChange change;
  const bool throttled = answer.http_status == 429;
  const bool unavailable = answer.http_status == 503;
  if (answer.http_status == 0) {
    // No answer says nothing about the host's manners.
  } else if (!throttled && !unavailable) {
    m.throttled_in_row = 0;
    m.limit.OnSuccess();
  } else {
    m.limit.OnTrouble();
  }
  if (throttled) change.cut = m.limit.OnThrottled(answer.started, now);
  change.limit = m.limit.value();
  if (!throttled && !(unavailable && answer.retry_after)) return change;

  Clock::duration wait;
  if (answer.retry_after) {
    wait = std::min<Clock::duration>(*answer.retry_after, rules.max_wait);
  } else {
    // One doubling per pause: the other requests of the same burst say nothing new.
    if (m.throttled_in_row == 0 || answer.started >= m.pause_began) ++m.throttled_in_row;
    wait = std::min<Clock::duration>(rules.throttle_wait, rules.max_wait);
    for (int i = 1; i < m.throttled_in_row && wait < rules.max_wait; ++i) {
      wait = std::min<Clock::duration>(wait * 2, rules.max_wait);
    }
  }
  const Clock::time_point until = now + wait;
  if (until <= m.paused_until || wait.count() <= 0) return change;
  const bool began = m.paused_until <= now;
  change.paused_more = until - std::max(now, m.paused_until);
  if (began) {
    change.pause = wait;
    m.pause_began = now;
  }
  m.paused_until = until;
  return change;
}

}  // namespace fetchpool
