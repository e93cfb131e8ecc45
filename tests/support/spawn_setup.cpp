#include "support/spawn_setup.hpp"

#include <signal.h>

#include <string_view>

#include "support/subprocess.hpp"

extern char** environ;

namespace fetchpool::testing {

// gtest, httplib (SIGPIPE) or the caller may have changed the signal mask and dispositions; the
// child must see a pristine process as a shell would give it.
void ResetChildSignals(posix_spawnattr_t& attr) {
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

std::vector<std::string> BuildEnvironment(const SubprocessOptions& opts) {
  auto overridden = [&opts](std::string_view name) {
    for (const auto& unset : opts.env_unset) {
      if (unset == name) return true;
    }
    for (const auto& [key, value] : opts.env_set) {
      if (key == name) return true;
    }
    return false;
  };
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view kv(*entry);
    if (!overridden(kv.substr(0, kv.find('=')))) env.emplace_back(kv);
  }
  for (const auto& [key, value] : opts.env_set) env.push_back(key + "=" + value);
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace fetchpool::testing
