#include "fetchpool/util/stop_wakeup.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace fetchpool {

StopWakeup::StopWakeup(std::stop_token stop)
    : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), callback_(std::move(stop), [this] {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(fd_.get(), &one, sizeof one);
      }) {}

}  // namespace fetchpool
