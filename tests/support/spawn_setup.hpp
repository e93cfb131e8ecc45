#pragma once

// What a test gives a child process at posix_spawn: signals, environment, argv.

#include <spawn.h>

#include <string>
#include <vector>

namespace fetchpool::testing {

struct SubprocessOptions;

// Gives the child default signal dispositions and an empty signal mask.
void ResetChildSignals(posix_spawnattr_t& attr);

// The child's environment: ours, without opts.env_unset, with opts.env_set applied.
std::vector<std::string> BuildEnvironment(const SubprocessOptions& opts);

// A null-terminated argv/envp view of `strings`, valid while `strings` lives unchanged.
std::vector<char*> CStrings(std::vector<std::string>& strings);

}  // namespace fetchpool::testing
