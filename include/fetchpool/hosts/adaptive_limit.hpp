#pragma once

#include <chrono>

namespace fetchpool {

// One host's adaptive concurrency limit: it halves (rounding up, down to 1) when the host answers
// 429, and grows back by one after a run of successes, up to `max`. Only a 429 to a request that
// started after the last cut cuts again, so one burst of 429s (every request in flight when the
// host said "too many") halves the limit once, not once per response.
// Thread-compatible: the dispatcher guards it with its own mutex.
class AdaptiveLimit {
 public:
  using Clock = std::chrono::steady_clock;

  // Successes in a row that earn one more slot: at least kMinRun, and at least the current
  // limit (one full round of the slots in use), so a limit grows by about one per round.
  static constexpr int kMinRun = 10;

  // `adaptive` false: the limit stays at `max`.
  AdaptiveLimit(int max, bool adaptive)
      : max_(max < 1 ? 1 : max), limit_(max_), adaptive_(adaptive) {}

  int value() const { return limit_; }
  int max() const { return max_; }

  // A 429 to a request started at `started`, arriving at `now`. True when the limit was cut.
  bool OnThrottled(Clock::time_point started, Clock::time_point now);
  // A response that was not a refusal (429/503). True when the limit grew.
  bool OnSuccess();
  // A response that neither refuses nor succeeds (a 503): the run of successes starts over.
  void OnTrouble() { run_ = 0; }

 private:
  const int max_;
  int limit_;
  const bool adaptive_;
  int run_ = 0;                 // successes since the last 429 or growth
  Clock::time_point last_cut_;  // epoch: never cut
  bool cut_ = false;
};

}  // namespace fetchpool
