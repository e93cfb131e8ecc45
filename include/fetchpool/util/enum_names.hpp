#pragma once

#include <string>
#include <vector>

namespace fetchpool {

// One spelling of an enum option's value, with an optional note that help shows beside it.
template <typename E>
struct EnumName {
  std::string name;
  E value;
  std::string note;  // may be left out: it is then empty
};

// The spellings of an enum option, listed once next to the enum: the command line parses with
// them, and help (hence the man page check and the completions), errors and reports show them.
template <typename E>
using EnumNames = std::vector<EnumName<E>>;

// The name of `value` in `names`, or "" when it has none.
template <typename E>
std::string NameOf(const EnumNames<E>& names, E value) {
  for (const auto& entry : names) {
    if (entry.value == value) return entry.name;
  }
  return {};
}

// "a, b (note) or c": the spellings as help lists them.
template <typename E>
std::string ListOf(const EnumNames<E>& names) {
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " or " : ", ";
    list += names[i].name;
    if (!names[i].note.empty()) list += " (" + names[i].note + ")";
  }
  return list;
}

}  // namespace fetchpool
