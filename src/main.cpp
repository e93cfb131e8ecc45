#include <fmt/format.h>

#include <exception>

#include "fetchpool/cli/report.hpp"
#include "fetchpool/cli/run.hpp"
#include "fetchpool/core/options.hpp"
#include "fetchpool/util/redact.hpp"

int main(int argc, char** argv) {
  try {
    const fetchpool::ParsedCommandLine command_line = fetchpool::ParseCommandLine(argc, argv);
    if (command_line.report) return fetchpool::RunReport(*command_line.report);
    if (!command_line.options) return command_line.exit_code;
    return fetchpool::Run(*command_line.options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "fetchpool: fatal: {}\n", fetchpool::RedactUrlsIn(e.what()));
    return 2;
  }
}
