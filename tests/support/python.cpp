#include "support/python.hpp"

#include <utility>

#ifndef FETCHPOOL_TEST_SCRIPTS_DIR
#error "tests/CMakeLists.txt defines FETCHPOOL_TEST_SCRIPTS_DIR as the tests/scripts directory"
#endif

namespace fetchpool::testing {
namespace {

// The system interpreter, not whichever python3 comes first in PATH.
constexpr char kPython[] = "/usr/bin/python3";

}  // namespace

std::string TestScriptPath(std::string_view name) {
  std::string path = FETCHPOOL_TEST_SCRIPTS_DIR;
  path += '/';
  path += name;
  return path;
}

ProcessResult RunPythonScript(std::string_view name, std::vector<std::string> args,
                              std::string_view stdin_data, std::chrono::milliseconds timeout) {
  args.insert(args.begin(), {kPython, TestScriptPath(name)});
  return RunProcess(std::move(args), stdin_data, timeout);
}

}  // namespace fetchpool::testing
