#include "fetchpool/cli/report_command_line.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "fetchpool/cli/cli_option_helpers.hpp"
#include "fetchpool/cli/help_text.hpp"
#include "fetchpool/cli/output_flags.hpp"
#include "fetchpool/util/redact.hpp"

namespace fetchpool {

ParsedCommandLine ParseReportCommandLine(int argc, const char* const* argv) {
  ReportOptions o;
  bool json = false;
  CLI::App app{
      "Merge the JSON Lines of one or more fetchpool runs (the shards of a list, say) into what "
      "one run over the whole list would have printed and written: the result lines, the "
      "summary, --stats, --host-stats and the reports, with the same exit status.\n"
      "Reads FILEs, or standard input when none is given ('-' also means standard input); a "
      "file may hold several runs one after another. Every shard K/N of each list must be "
      "there exactly once and have finished; otherwise nothing is written and the exit status "
      "is 2, unless --allow-partial.\n",
      "fetchpool report"};
  app.formatter_fn([](const CLI::App* self, const std::string&, CLI::AppFormatMode) {
    return HelpText(*self, HelpWidth());
  });
  app.footer(
      "Exit status: 0 all URLs ok, 1 some failed (or --allow-partial reported an incomplete "
      "set), 2 usage error, unreadable input, or runs that are missing, unfinished, doubled, "
      "of another list or contradict each other.");
  app.add_option("FILE", o.files, "JSON Lines of fetchpool runs ('-' for stdin)")->type_name("");
  AddOutputOptions(app, o.output, json, /*fetching=*/false);
  app.add_flag("--host-stats", o.host_stats,
               "A line per host, from the runs' --host-stats records added up");
  app.add_flag("--allow-partial", o.allow_partial,
               "Report even when shards are missing or unfinished, and say which (exit status 1)");
  OneValuePerUse(app);
  try {
    std::vector<std::string> reversed;
    for (int i = argc - 1; i >= 1; --i) reversed.emplace_back(argv[i]);  // CLI11 pops the back
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      std::string help = app.help();
      if (!help.ends_with('\n')) help += '\n';
      fmt::print("{}", help);
      return {std::nullopt, 0};
    }
    fmt::print(stderr, "fetchpool report: {} (see fetchpool report --help)\n",
               RedactUrlsIn(e.what()));
    return {std::nullopt, 2};
  }
  Status problem = ResolveJsonAlias(o.output, json);
  if (problem.ok()) problem = CheckAnnotate(o.output);
  if (!problem.ok()) {
    fmt::print(stderr, "fetchpool report: {}\n", RedactUrlsIn(problem.message()));
    return {std::nullopt, 2};
  }
  return {.exit_code = 0, .report = std::move(o)};
}

}  // namespace fetchpool
