#pragma once

#include <string>
#include <utility>
#include <vector>

namespace fetchpool {

// The spellings of an enum option, listed once next to the enum: the command line parses with
// them and help, errors and completions show them.
template <typename E>
using EnumNames = std::vector<std::pair<std::string, E>>;

// The name of `value` in `names`, or "" when it has none.
template <typename E>
std::string NameOf(const EnumNames<E>& names, E value) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return {};
}

}  // namespace fetchpool
