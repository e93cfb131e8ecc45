#include <curl/curl.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <string>
#include <vector>

#include "fetchpool/cli/cli_checks.hpp"
#include "fetchpool/cli/cli_option_helpers.hpp"
#include "fetchpool/cli/config_merge.hpp"
#include "fetchpool/cli/help_text.hpp"
#include "fetchpool/cli/request_options.hpp"
#include "fetchpool/core/options.hpp"
#include "fetchpool/util/argv_redaction.hpp"
#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/status.hpp"
#include "fetchpool/util/units.hpp"
#include "fetchpool/version.hpp"

namespace fetchpool {
namespace {

CLI::Validator Between(int low, int high) { return CLI::Range(low, high).description(""); }

// Refuses an empty value: "`what` must not be empty".
CLI::Validator NotEmpty(const std::string& what) {
  return CLI::Validator(
      [what](const std::string& text) {
        return text.empty() ? what + " must not be empty" : std::string();
      },
      "");
}

// What is transferred and how long it may take.
void AddTransferOptions(CLI::App& app, Options& o) {
  app.add_option("FILE", o.input.files, "Files with one URL per line ('-' for stdin)")
      ->type_name("");
  app.add_option("-w,--workers", o.pool.workers, "Concurrent transfers (1-1024)")
      ->capture_default_str()
      ->type_name("N")
      ->check(Between(1, 1024));
  FetchOptions& f = o.fetch;
  AddSeconds(app, "--connect-timeout", f.connect_timeout_s, "Seconds to wait for a connection",
             /*positive=*/true, /*show_default=*/true);
  AddSeconds(app, "--timeout", f.timeout_s, "Limit for each whole transfer (default: none)",
             /*positive=*/true,
             /*show_default=*/false);
  AddSeconds(app, "--stall-timeout", f.stall_timeout_s,
             "Abort a transfer that receives nothing this long", /*positive=*/true,
             /*show_default=*/true);
  app.add_option("--max-redirs", f.max_redirects, "Redirects to follow at most (0-100)")
      ->capture_default_str()
      ->type_name("N")
      ->check(Between(0, 100));
}

// How results are shown; `json` is the --json alias, resolved against --format after parsing.
void AddOutputOptions(CLI::App& app, OutputOptions& o, bool& json) {
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
  auto* rewrite =
      app.add_option("--rewrite", o.rewrite_path,
                     "Write the input list to FILE with each moved URL replaced (may be the list)")
          ->type_name("FILE")
          ->check(NotEmpty("the file name"));
  app.add_option("--rewrite-suffix", o.rewrite_suffix,
                 "--rewrite each input list to LIST+SUFFIX (for several lists)")
      ->type_name("SUFFIX")
      ->check(NotEmpty("the suffix"))
      ->excludes(rewrite);
  app.add_flag("--ordered", o.ordered,
               "Print results in input order (still fetching concurrently)");
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

void AddShardOption(CLI::App& app, InputOptions& o) {
  app.add_option("--shard", "Take only shard K of N of the URLs (by a stable hash of each URL)")
      ->type_name("K/N")
      ->check(ParseInto(o.shard, Shard::Parse, "'{}' is not K/N with 1 <= K <= N"));
}

// -o and how saved files are named. Returns -o, which --head excludes.
CLI::Option* AddSaveOptions(CLI::App& app, SaveOptions& o) {
  auto* dir =
      app.add_option("-o,--output-dir", o.dir,
                     "Save each body into DIR (created if missing); default: discard bodies")
          ->type_name("DIR")
          ->check([](const std::string& text) {
            return text.empty() ? std::string("the directory must not be empty") : std::string();
          });
  AddEnum(app, "--on-exists", o.on_exists, kOnExistsNames, "If the file exists")
      ->type_name("MODE")
      ->needs(dir);
  app.add_flag("--mirror-paths", o.mirror_paths, "Save as DIR/HOST[:PORT]/PATH instead of DIR/NAME")
      ->needs(dir);
  auto* resume = app.add_flag("-c,--continue", o.resume,
                              "Keep interrupted downloads as DIR/.NAME.part and resume them")
                     ->needs(dir);
  app.add_flag("--content-disposition", o.content_disposition,
               "Name files after the server's Content-Disposition header")
      ->needs(dir)
      ->excludes(resume);
  return dir;
}

void AddRetryOptions(CLI::App& app, Options& o) {
  const std::string group = "Retries and limits";
  RetryOptions& r = o.dispatch.retry;
  app.add_option("--retries", r.retries, "Retry transient failures up to N times")
      ->capture_default_str()
      ->type_name("N")
      ->check(Between(0, 1000))
      ->group(group);
  AddSeconds(app, "--retry-wait", r.wait_s,
             "First backoff ceiling, doubling per retry (full jitter)", /*positive=*/false,
             /*show_default=*/true)
      ->group(group);
  AddSeconds(app, "--retry-max-wait", r.max_wait_s,
             "Longest wait before a retry, Retry-After included", /*positive=*/false,
             /*show_default=*/true)
      ->group(group);
  app.add_option("--per-host", o.dispatch.per_host,
                 "At most N transfers at once to one host (default: --workers)")
      ->type_name("N")
      ->check(Between(1, 1024))
      ->group(group);
  app.add_option("--rate", "Request starts at most N per second (or /m, /h), evenly spaced")
      ->type_name("N[/s|/m]")
      ->check(ParseInto(o.pool.rate_interval, ParseRate,
                        "'{}' is not a rate (expected N, N/s, N/m or N/h, N > 0)"))
      ->group(group);
  app.add_option("--per-host-rate", "--rate for each host: N per second (or /m, /h), evenly spaced")
      ->type_name("N[/s|/m]")
      ->check(ParseInto(o.dispatch.per_host_interval, ParseRate,
                        "'{}' is not a rate (expected N, N/s, N/m or N/h, N > 0)"))
      ->group(group);
  app.add_flag_function(
         "--no-adaptive", [&o](std::int64_t) { o.dispatch.adaptive = false; },
         "Do not halve a host's limit on 429 (keep --per-host or --workers)")
      ->group(group);
  app.add_flag("--host-stats", o.dispatch.host_stats,
               "A line per host after the results (requests, 429s, pauses, latency)")
      ->group(group);
  app.add_option("--max-size", "Abort a body larger than this (suffixes K, M, G)")
      ->type_name("BYTES")
      ->check(ParseInto(o.fetch.max_size, ParseByteSize,
                        "'{}' is not a size (expected e.g. 500, 64K, 10M, 1G)"))
      ->group(group);
  app.add_option("--max-failures", o.dispatch.max_failures,
                 "Stop taking new URLs after N failures (exit status 1)")
      ->type_name("N")
      ->check(Between(1, INT_MAX))
      ->group(group);
  app.add_option("--warn", "Statuses and error kinds that only warn (e.g. 403,5xx,timeout,moved)")
      ->type_name("SPEC")
      ->check(ParseInto(o.verdict.warn, WarnSpec::Parse,
                        "'{}' is not a list of statuses (403, 500-504, 5xx) and error kinds "
                        "(timeout, connection, moved, ...)"))
      ->group(group);
  app.add_flag("--strict", o.verdict.strict,
               "Fail, not warn, when a bot wall or challenge answers (blocked)")
      ->group(group);
  AddSeconds(app, "--max-time", o.max_time_s,
             "Stop the whole run after this long, as Ctrl-C would (exit status 1)",
             /*positive=*/true, /*show_default=*/false)
      ->group(group);
}

// Memory across runs (--state FILE).
void AddStateOptions(CLI::App& app, StateOptions& s, int& fail_after) {
  const std::string group = "State across runs";
  auto* state =
      app.add_option("--state", s.path, "Remember runs and each URL's history in this SQLite file")
          ->type_name("FILE")
          ->check([](const std::string& text) {
            return text.empty() ? std::string("the file name must not be empty") : std::string();
          })
          ->group(group);
  app.add_option("--max-cache-age",
                 "Do not refetch a URL found ok within this long (90s, 30m, 6h, 2d)")
      ->type_name("DURATION")
      ->check(ParseInto(s.max_cache_age, ParseDuration,
                        "'{}' is not a duration (expected e.g. 90s, 30m, 6h, 2d)"))
      ->needs(state)
      ->group(group);
  app.add_option("--fail-after", fail_after,
                 "Warn, not fail, until a URL has failed N runs in a row")
      ->capture_default_str()
      ->type_name("N")
      ->check(Between(1, INT_MAX))
      ->needs(state)
      ->group(group);
  app.add_flag("--resume", s.resume, "Continue the last run in the state file if it did not finish")
      ->needs(state)
      ->group(group);
}

// The original Go tool spelled long flags with one dash (-workers=3); people copy that, so
// "-NAME" and "-NAME=VALUE" become "--NAME..." when NAME is one of our long option names.
std::vector<std::string> AcceptSingleDashLongFlags(const CLI::App& app, int argc,
                                                   const char* const* argv) {
  std::vector<std::string> args;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") options_ended = true;
    if (!options_ended && arg.size() > 2 && arg[0] == '-' && arg[1] != '-') {
      const std::string name = arg.substr(1, arg.find('=') - 1);
      for (const CLI::Option* opt : app.get_options()) {
        if (name.size() > 1 && opt->check_lname(name)) {
          arg.insert(0, "-");
          break;
        }
      }
    }
    args.push_back(std::move(arg));
  }
  return args;
}

// Annotations go among the result lines, so only the text format has room for them.
Status CheckAnnotate(const OutputOptions& o) {
  if (o.annotate == AnnotateMode::kNone || o.format == OutputFormat::kText) return Status::Ok();
  return Status::Error(fmt::format("--annotate conflicts with --format {} (stdout must stay {})",
                                   NameOf(kOutputFormatNames, o.format),
                                   o.format == OutputFormat::kCsv ? "CSV" : "JSON Lines"));
}

// --json is an alias: ok when it agrees with --format, else the complaint.
Status ResolveJsonAlias(OutputOptions& o, bool json) {
  if (!json) return Status::Ok();
  if (o.format == OutputFormat::kCsv) {
    return Status::Error("--json conflicts with --format csv (see fetchpool --help)");
  }
  o.format = OutputFormat::kJsonLines;
  return Status::Ok();
}

Status CheckLibcurlFeatures(const FetchOptions& f) {
  if (f.http_version == HttpVersion::kHttp2 &&
      (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2) == 0) {
    return Status::Error("--http2: this libcurl was built without HTTP/2");
  }
  return Status::Ok();
}

}  // namespace

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv) {
  Options o;
  bool json = false;
  bool version = false;
  CLI::App app{
      "Download many URLs concurrently and report one line per URL.\n"
      "Reads URLs one per line from FILEs, or from standard input when none is given "
      "('-' also means standard input). Blank lines and lines starting with '#' are skipped.\n",
      "fetchpool"};
  app.formatter_fn([](const CLI::App* self, const std::string&, CLI::AppFormatMode) {
    return HelpText(*self, HelpWidth());
  });
  app.footer(
      "Exit status: 0 all URLs ok, 1 some failed (or --max-failures/--max-time stopped the "
      "run), 2 usage error, 130/143 interrupted by SIGINT/SIGTERM.\n"
      "See 'man fetchpool' for every option, the output formats and examples.");
  AddTransferOptions(app, o);
  AddOutputOptions(app, o.output, json);
  AddShardOption(app, o.input);
  CLI::Option* output_dir = AddSaveOptions(app, o.save);
  app.add_flag("-V,--version", version, "Print version information and exit");
  AddRetryOptions(app, o);
  AddRequestOptions(app, o.fetch, o.verdict.accept, output_dir, o.config);
  AddStateOptions(app, o.state, o.verdict.fail_after);

  // Recorded (--state) and scrubbed from every message with its secrets redacted.
  const RedactedArguments redacted = RedactArguments(
      std::vector<std::string>(argv + 1, argv + argc), [&app](std::string_view name) {
        for (const CLI::Option* opt : app.get_options()) {
          if (opt->check_lname(std::string(name))) return true;
        }
        return false;
      });
  try {
    const std::vector<std::string> args = AcceptSingleDashLongFlags(app, argc, argv);
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      std::string help = app.help();
      if (!help.ends_with('\n')) help += '\n';
      fmt::print("{}", help);
      return {std::nullopt, 0};
    }
    fmt::print(stderr, "fetchpool: {} (see fetchpool --help)\n",
               redacted.secrets.Scrubbed(RedactUrl(e.what())));
    return {std::nullopt, 2};
  }
  Status problem = ResolveJsonAlias(o.output, json);
  if (problem.ok() && version) {
    fmt::print("{}\n", VersionText());
    return {std::nullopt, 0};
  }
  if (problem.ok()) problem = CheckAnnotate(o.output);
  if (problem.ok()) problem = CheckLibcurlFeatures(o.fetch);
  o.secrets = redacted.secrets;
  if (problem.ok()) {
    problem = CompleteOptions(
        [&app](std::string_view flag) { return app.count(std::string(flag)) > 0; }, o);
  }
  o.state.arguments = redacted.args;
  if (!problem.ok()) {
    fmt::print(stderr, "fetchpool: {}\n", o.secrets.Scrubbed(problem.message()));
    return {std::nullopt, 2};
  }
  return {std::move(o), 0};
}

}  // namespace fetchpool
