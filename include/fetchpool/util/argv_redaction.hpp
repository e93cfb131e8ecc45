#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/util/redact.hpp"

namespace fetchpool {

// The command line as fetchpool may record or print it, and the secrets it carries.
struct RedactedArguments {
  std::vector<std::string> args;
  SecretSet secrets;
};

// Redacts the values of -u/--user ("alice:***"), -H/--header ("Authorization: ***"; -H @FILE
// stays) and the password of --proxy and of any other argument that is a URL, in every spelling
// the parser takes: "-u V", "-uV", "-ku V" (short flags bundled), "--user V", "--user=V",
// "-user=V" (`is_long_name` tells which single-dash words are long options). Arguments after
// "--" are file names, kept as they are.
RedactedArguments RedactArguments(const std::vector<std::string>& args,
                                  const std::function<bool(std::string_view)>& is_long_name);

}  // namespace fetchpool
