#include "fetchpool/engine/fault.hpp"

#include <fmt/format.h>

#include "fetchpool/util/mutex_lock.hpp"

namespace fetchpool {
namespace {

std::string WhatOf(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

}  // namespace

void Fault::Record(std::string_view where, const std::exception_ptr& error) noexcept {
  try {
    std::string message = fmt::format("unexpected error in {}: {}", where, WhatOf(error));
    MutexLock lock(mutex_);
    if (message_.empty()) message_ = std::move(message);
  } catch (...) {
    // No memory even for the message: the stop below still ends the run, and the exit status
    // still says it failed.
    MutexLock lock(mutex_);
    if (message_.empty()) message_ = "out of memory";  // short enough to need no allocation
  }
  stop_.request_stop();
}

std::string Fault::message() const {
  MutexLock lock(mutex_);
  return message_;
}

}  // namespace fetchpool
