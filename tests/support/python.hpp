// Runs the Python 3 helper scripts in tests/scripts/, which parse fetchpool's
// output the way a consumer would (csv, xml.etree).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "support/subprocess.hpp"

namespace fetchpool::testing {

// The source-tree path of tests/scripts/<name>.
std::string TestScriptPath(std::string_view name);

// /usr/bin/python3 tests/scripts/<name> args..., with stdin_data on stdin (then EOF).
ProcessResult RunPythonScript(std::string_view name, std::vector<std::string> args = {},
                              std::string_view stdin_data = {},
                              std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace fetchpool::testing
