#include <curl/curl.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "fetchpool/options.hpp"
#include "fetchpool/shard.hpp"
#include "fetchpool/version.hpp"

namespace fetchpool {
namespace {

// Validator for seconds: a finite number in (0, one year].
std::string PositiveSeconds(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v <= 0 || v > 365 * 86400.0) {
    return fmt::format("'{}' is not a positive number of seconds", text);
  }
  return {};
}

std::string VersionText() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  std::string features;
  for (const char* const* f = info->feature_names; f != nullptr && *f != nullptr; ++f) {
    features += ' ';
    features += *f;
  }
  return fmt::format("fetchpool {}\nlibcurl {} ({})\nfeatures:{}", kVersion, info->version,
                     info->ssl_version != nullptr ? info->ssl_version : "no TLS", features);
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

}  // namespace

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv) {
  Options o;
  CLI::App app{
      "Download many URLs concurrently and report one line per URL.\n"
      "Reads URLs one per line from FILEs, or from standard input when none is given\n"
      "('-' also means standard input). Blank lines and lines starting with '#' are skipped.\n",
      "fetchpool"};
  app.get_formatter()->column_width(32);
  app.footer(
      "Exit status: 0 all URLs ok, 1 some failed, 2 usage error, 130/143 interrupted by "
      "SIGINT/SIGTERM.\nSee README.md for the output format.");

  app.add_option("FILE", o.inputs, "Files with one URL per line ('-' for stdin)")->type_name("");
  app.add_option("-w,--workers", o.workers, "Concurrent transfers (1-1024)")
      ->default_val(o.workers)
      ->type_name("N")
      ->check(CLI::Range(1, 1024).description(""));
  app.add_option("--connect-timeout", o.connect_timeout_s, "Seconds to wait for a connection")
      ->default_val(o.connect_timeout_s)
      ->type_name("SECS")
      ->check(PositiveSeconds);
  app.add_option("--timeout", o.timeout_s,
                 "Seconds allowed for each whole transfer (default: none)")
      ->type_name("SECS")
      ->check(PositiveSeconds);
  app.add_option("--stall-timeout", o.stall_timeout_s,
                 "Abort a transfer that receives nothing for this many seconds")
      ->default_val(o.stall_timeout_s)
      ->type_name("SECS")
      ->check(PositiveSeconds);
  app.add_option("--max-redirs", o.max_redirects, "Redirects to follow at most (0-100)")
      ->default_val(o.max_redirects)
      ->type_name("N")
      ->check(CLI::Range(0, 100).description(""));
  std::string color = "auto";
  app.add_option("--color", color,
                 "Colour result tags: auto (a terminal, NO_COLOR unset), always, never")
      ->type_name("WHEN")
      ->default_val(color)
      ->check(CLI::IsMember({"auto", "always", "never"}).description(""));
  std::string format = "text";
  app.add_option("--format", format, "Output format: text, jsonl (JSON Lines) or csv")
      ->type_name("FORMAT")
      ->default_val(format)
      ->check(CLI::IsMember({"text", "jsonl", "csv"}).description(""));
  bool json = false;
  app.add_flag("--json", json, "Same as --format jsonl");
  app.add_option("--junit", o.junit_path,
                 "Also write a JUnit XML report (one testcase per URL) to FILE")
      ->type_name("FILE");
  app.add_flag("--ordered", o.ordered,
               "Print results in input order (still fetching concurrently, bounded memory)");
  bool quiet = false, silent = false, verbose = false;
  auto* q = app.add_flag("-q,--quiet", quiet, "Print only failures and the summary");
  auto* s = app.add_flag("-s,--silent", silent, "Print nothing; only the exit status tells");
  auto* v = app.add_flag("-v,--verbose", verbose,
                         "Also print effective URL, IP and a latency percentiles line");
  q->excludes(s)->excludes(v);
  s->excludes(v);
  bool progress = false, no_progress = false;
  auto* p = app.add_flag("--progress", progress, "Show the live progress line on stderr");
  auto* np = app.add_flag("--no-progress", no_progress,
                          "Never show it (default: only when stderr is a terminal)");
  p->excludes(np);
  app.add_option("--shard", o.shard,
                 "Take only shard K of N (1 <= K <= N) of the URLs, by a stable hash of each URL, "
                 "so N machines can split one list")
      ->type_name("K/N")
      ->check([](const std::string& text) {
        return Shard::Parse(text) ? std::string() : "'" + text + "' is not K/N with 1 <= K <= N";
      });
  auto* output_dir =
      app.add_option("-o,--output-dir", o.save.dir,
                     "Save each body into DIR (created if missing); default: discard bodies")
          ->type_name("DIR")
          ->check([](const std::string& text) {
            return text.empty() ? std::string("the directory must not be empty") : std::string();
          });
  std::string on_exists = "rename";
  app.add_option("--on-exists", on_exists,
                 "If the file exists: rename (to NAME.1, NAME.2 ...), skip, overwrite or fail")
      ->type_name("MODE")
      ->default_val(on_exists)
      ->check(CLI::IsMember({"rename", "skip", "overwrite", "fail"}).description(""))
      ->needs(output_dir);
  app.add_flag("--mirror-paths", o.save.mirror_paths,
               "Save as DIR/HOST[:PORT]/PATH instead of DIR/NAME")
      ->needs(output_dir);
  auto* resume = app.add_flag("-c,--continue", o.save.resume,
                              "Resume interrupted downloads (kept as DIR/.NAME.part) with a Range "
                              "request")
                     ->needs(output_dir);
  app.add_flag("--content-disposition", o.save.content_disposition,
               "Name files after the server's Content-Disposition (basename, sanitised)")
      ->needs(output_dir)
      ->excludes(resume);
  bool version = false;
  app.add_flag("-V,--version", version, "Print version information and exit");

  const std::vector<std::string> args = AcceptSingleDashLongFlags(app, argc, argv);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      std::string help = app.help();
      if (!help.ends_with('\n')) help += '\n';
      fmt::print("{}", help);
      return {std::nullopt, 0};
    }
    fmt::print(stderr, "fetchpool: {} (see fetchpool --help)\n", e.what());
    return {std::nullopt, 2};
  }
  if (json && format != "text" && format != "jsonl") {
    fmt::print(stderr, "fetchpool: --json conflicts with --format {} (see fetchpool --help)\n",
               format);
    return {std::nullopt, 2};
  }
  o.format = json || format == "jsonl" ? OutputFormat::kJsonLines
             : format == "csv"         ? OutputFormat::kCsv
                                       : OutputFormat::kText;
  o.verbosity = silent    ? Verbosity::kSilent
                : quiet   ? Verbosity::kQuiet
                : verbose ? Verbosity::kVerbose
                          : Verbosity::kNormal;
  if (progress) o.progress = true;
  if (no_progress) o.progress = false;
  o.color = color == "always"  ? ColorMode::kAlways
            : color == "never" ? ColorMode::kNever
                               : ColorMode::kAuto;
  o.save.on_exists = on_exists == "skip"        ? OnExists::kSkip
                     : on_exists == "overwrite" ? OnExists::kOverwrite
                     : on_exists == "fail"      ? OnExists::kFail
                                                : OnExists::kRename;
  if (version) {
    fmt::print("{}\n", VersionText());
    return {std::nullopt, 0};
  }
  return {std::move(o), 0};
}

}  // namespace fetchpool
