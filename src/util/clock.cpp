#include "fetchpool/util/clock.hpp"

#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool {
namespace {

class Steady final : public Clock {
 public:
  time_point Now() const override { return std::chrono::steady_clock::now(); }
  bool SleepUntil(time_point when, const std::stop_token& stop) override {
    return SleepUnlessStopped(when, stop);
  }
  std::optional<time_point> WakeAt(time_point when) const override { return when; }
  std::shared_ptr<void> OnAdvance(std::function<void()> /*wake*/) override { return nullptr; }
};

}  // namespace

Clock& SteadyClock() {
  static Steady clock;
  return clock;
}

}  // namespace fetchpool
