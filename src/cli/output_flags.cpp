#include "fetchpool/cli/output_flags.hpp"

#include <fmt/format.h>

#include "fetchpool/cli/cli_option_helpers.hpp"

namespace fetchpool {

void AddOutputOptions(CLI::App& app, OutputOptions& o, bool& json, bool fetching) {
  AddEnum(app, "--color", o.color, kColorModeNames, "Colour result tags")->type_name("WHEN");
  AddEnum(app, "--format", o.format, kOutputFormatNames, "Output format")->type_name("FORMAT");
  app.add_flag("--json", json, "Same as --format jsonl");
  app.add_option("--junit", o.junit_path,
                 "Also write a JUnit XML report (one testcase per URL) to FILE")
      ->type_name("FILE");
  app.add_option("--markdown", o.markdown_path,
                 "Also write a Markdown report (a GitHub job summary) to FILE")
      ->type_name("FILE");
  app.add_option("--sarif", o.sarif_path,
                 "Also write a SARIF 2.1.0 report (GitHub code scanning) to FILE")
      ->type_name("FILE");
  app.add_option("--codequality", o.codequality_path,
                 "Also write a GitLab Code Quality report to FILE")
      ->type_name("FILE");
  auto* annotate = AddEnum(app, "--annotate", o.annotate, kAnnotateModeNames,
                           "Also annotate each failed or warned URL for CI")
                       ->type_name("CI");
  app.add_flag("--stats", o.stats,
               "Show a latency histogram, statuses, failure kinds and slowest URLs");
  app.add_option("--html", o.html_path,
                 "Also write a self-contained HTML report (charts, tables) to FILE")
      ->type_name("FILE");
  if (fetching) {
    app.add_flag("--ordered", o.ordered,
                 "Print results in input order (still fetching concurrently)");
    auto* rewrite =
        app.add_option(
               "--rewrite", o.rewrite_path,
               "Write the input list to FILE with each moved URL replaced (may be the list)")
            ->type_name("FILE")
            ->check(NotEmpty("the file name"));
    app.add_option("--rewrite-suffix", o.rewrite_suffix,
                   "--rewrite each input list to LIST+SUFFIX (for several lists)")
        ->type_name("SUFFIX")
        ->check(NotEmpty("the suffix"))
        ->excludes(rewrite);
  }
  auto level = [&o](Verbosity v) { return [&o, v](std::int64_t) { o.verbosity = v; }; };
  auto* q = app.add_flag_function("-q,--quiet", level(Verbosity::kQuiet),
                                  "Print only failures and the summary");
  auto* s = app.add_flag_function("-s,--silent", level(Verbosity::kSilent),
                                  "Print nothing; only the exit status tells");
  auto* v = app.add_flag_function("-v,--verbose", level(Verbosity::kVerbose),
                                  "Also print effective URL, IP, latency percentiles and --stats");
  q->excludes(s)->excludes(v);
  annotate->excludes(s);  // annotations are stdout lines
  s->excludes(v);
  auto show = [&o](bool on) { return [&o, on](std::int64_t) { o.progress = on; }; };
  auto* p =
      app.add_flag_function("--progress", show(true), "Show the live progress line on stderr");
  auto* np = app.add_flag_function("--no-progress", show(false),
                                   "Never show it (default: only when stderr is a terminal)");
  p->excludes(np);
}

Status CheckAnnotate(const OutputOptions& o) {
  if (o.annotate == AnnotateMode::kNone || o.format == OutputFormat::kText) return Status::Ok();
  return Status::Error(fmt::format("--annotate conflicts with --format {} (stdout must stay {})",
                                   NameOf(kOutputFormatNames, o.format),
                                   o.format == OutputFormat::kCsv ? "CSV" : "JSON Lines"));
}

Status ResolveJsonAlias(OutputOptions& o, bool json) {
  if (!json) return Status::Ok();
  if (o.format == OutputFormat::kCsv) {
    return Status::Error("--json conflicts with --format csv (see fetchpool --help)");
  }
  o.format = OutputFormat::kJsonLines;
  return Status::Ok();
}

}  // namespace fetchpool
