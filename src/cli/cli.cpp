#include <curl/curl.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <string>
#include <vector>

#include "fetchpool/cli/cli_checks.hpp"
#include "fetchpool/cli/cli_inputs.hpp"
#include "fetchpool/cli/cli_option_helpers.hpp"
#include "fetchpool/cli/config_merge.hpp"
#include "fetchpool/cli/help_text.hpp"
#include "fetchpool/cli/output_flags.hpp"
#include "fetchpool/cli/report_command_line.hpp"
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

// What is transferred and how long it may take.
void AddTransferOptions(CLI::App& app, Options& o) {
  app.add_option("FILE", o.input.files, "Files to read URLs from ('-' for stdin)")->type_name("");
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

// What a daily smoke check watches before it breaks: certificates near expiry, every address
// behind a name, answers getting slow.
void AddEarlyWarningOptions(CLI::App& app, Options& o) {
  const std::string group = "Early warnings";
  VerdictOptions& v = o.verdict;
  app.add_option("--cert-warn", v.cert_warn_days,
                 "Warn when a certificate (or its chain) expires within DAYS days")
      ->type_name("DAYS")
      ->check(Between(1, 3650))
      ->group(group);
  app.add_option("--cert-fail", v.cert_fail_days,
                 "Fail when a certificate (or its chain) expires within DAYS days")
      ->type_name("DAYS")
      ->check(Between(1, 3650))
      ->group(group);
  app.add_option("--slow", v.slow_ms, "Warn when an answer takes longer than MS milliseconds")
      ->type_name("MS")
      ->check(CLI::Range(1L, 86'400'000L).description(""))
      ->group(group);
  app.add_option("--max-p95", v.max_p95_ms,
                 "Fail the run when the 95th percentile of answered URLs' times is over MS")
      ->type_name("MS")
      ->check(CLI::Range(1L, 86'400'000L).description(""))
      ->group(group);
  app.add_flag("--each-address", o.fetch.each_address,
               "Fetch each URL once for every address its host resolves to (A and AAAA)")
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

Status CheckLibcurlFeatures(const FetchOptions& f) {
  if (f.http_version == HttpVersion::kHttp2 &&
      (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2) == 0) {
    return Status::Error("--http2: this libcurl was built without HTTP/2");
  }
  return Status::Ok();
}

}  // namespace

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv) {
  if (argc > 1 && std::string_view(argv[1]) == "report") {
    return ParseReportCommandLine(argc - 1, argv + 1);
  }
  Options o;
  bool json = false;
  bool extract = false;
  bool version = false;
  CLI::App app{
      "Download many URLs concurrently and report one line per URL.\n"
      "Reads URLs one per line from FILEs, or from standard input when none is given "
      "('-' also means standard input). Blank lines and lines starting with '#' are skipped. "
      "--extract, --input grep|diff and --sitemap find URLs in documents, grep output, diffs "
      "and sitemaps instead.\n",
      "fetchpool"};
  app.formatter_fn([](const CLI::App* self, const std::string&, CLI::AppFormatMode) {
    return HelpText(*self, HelpWidth());
  });
  app.footer(
      "Exit status: 0 all URLs ok, 1 some failed (or --max-failures/--max-time stopped the "
      "run), 2 usage error, 130/143 interrupted by SIGINT/SIGTERM.\n"
      "'fetchpool report FILE...' merges the JSON Lines of several runs or shards into one "
      "report (see 'fetchpool report --help').\n"
      "See 'man fetchpool' for every option, the output formats and examples.");
  AddTransferOptions(app, o);
  AddOutputOptions(app, o.output, json, /*fetching=*/true);
  AddShardOption(app, o.input);
  AddInputOptions(app, o.input, extract);
  CLI::Option* output_dir = AddSaveOptions(app, o.save);
  app.add_flag("-V,--version", version, "Print version information and exit");
  AddRetryOptions(app, o);
  AddRequestOptions(app, o.fetch, o.verdict.accept, output_dir, o.config);
  AddEarlyWarningOptions(app, o);
  AddStateOptions(app, o.state, o.verdict.fail_after);
  OneValuePerUse(app);

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
               redacted.secrets.Scrubbed(RedactUrlsIn(e.what())));
    return {std::nullopt, 2};
  }
  Status problem = ResolveJsonAlias(o.output, json);
  if (problem.ok() && version) {
    fmt::print("{}\n", VersionText());
    return {std::nullopt, 0};
  }
  if (problem.ok()) problem = ResolveExtractAlias(o.input, extract);
  if (problem.ok()) problem = CheckAnnotate(o.output);
  if (problem.ok()) problem = CheckLibcurlFeatures(o.fetch);
  o.secrets = redacted.secrets;
  if (problem.ok()) {
    problem = CompleteOptions(
        [&app](std::string_view flag) { return app.count(std::string(flag)) > 0; }, o);
  }
  o.state.arguments = redacted.args;
  if (!problem.ok()) {
    fmt::print(stderr, "fetchpool: {}\n", o.secrets.Scrubbed(RedactUrlsIn(problem.message())));
    return {std::nullopt, 2};
  }
  return {std::move(o), 0};
}

}  // namespace fetchpool
