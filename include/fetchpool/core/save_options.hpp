#pragma once

#include <string>

#include "fetchpool/util/enum_names.hpp"

namespace fetchpool {

// What -o does when the file it would create already exists.
enum class OnExists { kRename, kSkip, kOverwrite, kFail };
inline const EnumNames<OnExists> kOnExistsNames = {
    {"rename", OnExists::kRename, "to NAME.1, NAME.2 ..."},
    {"skip", OnExists::kSkip},
    {"overwrite", OnExists::kOverwrite},
    {"fail", OnExists::kFail}};

// How bodies are saved (-o and friends). A plain value; empty `dir` means bodies are discarded.
struct SaveOptions {
  std::string dir;
  bool mirror_paths = false;  // DIR/HOST[:PORT]/PATH... instead of DIR/NAME
  OnExists on_exists = OnExists::kRename;
  bool resume = false;               // -c: keep partials as DIR/.NAME.part and resume them
  bool content_disposition = false;  // prefer the server's file name
};

}  // namespace fetchpool
