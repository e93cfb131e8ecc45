#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace fetchpool {

// Reads an environment variable (std::getenv in the real run; a map in tests): null when unset.
using GetEnv = std::function<const char*(const char*)>;

// What ExpandEnvRefs found wrong; `name` is the variable a kMissing/kEmpty is about.
struct EnvRefProblem {
  enum class Kind { kNone, kMissing, kEmpty, kSyntax } kind = Kind::kNone;
  std::string name;
  std::string message;  // one phrase for "FILE:LINE: KEY: MESSAGE"
};

// A config value with ${NAME} replaced by that environment variable's value and $$ by a single
// '$'. NAME is [A-Za-z_][A-Za-z0-9_]*. Any other '$' is a mistake (a value meant as "$NAME"
// would otherwise reach a server as typed), and so is a variable that is unset or empty (a CI
// secret missing on a fork arrives empty). On a problem, `out` is unspecified.
EnvRefProblem ExpandEnvRefs(std::string_view text, const GetEnv& getenv, std::string* out);

// `text` with every '$' doubled, so ExpandEnvRefs gives `text` back.
std::string EscapeEnvRefs(std::string_view text);

}  // namespace fetchpool
