#include <curl/curl.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <climits>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/curl_handles.hpp"
#include "fetchpool/options.hpp"
#include "fetchpool/shard.hpp"
#include "fetchpool/status_set.hpp"
#include "fetchpool/units.hpp"
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

// Validator for waits that may be zero: a finite number in [0, one year].
std::string NonNegativeSeconds(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0 || v > 365 * 86400.0) {
    return fmt::format("'{}' is not a number of seconds (0 or more)", text);
  }
  return {};
}

bool HasControl(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// A header line could otherwise smuggle a second header, or a second request, into the one we
// send.
std::string OneLine(const std::string& text) {
  if (HasControl(text)) return "no control characters or line breaks allowed";
  return {};
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// curl's forms: "Name: value" sends it, "Name:" removes a header libcurl would add, "Name;"
// sends it empty.
std::string HeaderLine(const std::string& text) {
  const auto end = text.find_first_of(":;");
  const std::string_view name = std::string_view(text).substr(0, end);
  const bool ok = end != std::string::npos && !name.empty() &&
                  std::all_of(name.begin(), name.end(), IsTokenChar) &&
                  (text[end] == ':' || end + 1 == text.size()) && !HasControl(text);
  if (!ok) return fmt::format("'{}' is not a header (expected \"Name: value\")", text);
  return {};
}

std::string UserPassword(const std::string& text) {
  if (text.find(':') == std::string::npos || HasControl(text)) {
    return "expected USER:PASSWORD";
  }
  return {};
}

std::string ProxyUrl(const std::string& text) {
  const std::string bad = fmt::format(
      "'{}' is not a proxy URL (expected [SCHEME://]HOST[:PORT], SCHEME one of http, https, "
      "socks4, socks4a, socks5, socks5h)",
      text);
  if (text.empty() || HasControl(text)) return bad;
  UrlHandle h(curl_url());
  if (!h || curl_url_set(h.get(), CURLUPART_URL, text.c_str(),
                         CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return bad;
  }
  char* scheme = nullptr;
  if (curl_url_get(h.get(), CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || scheme == nullptr) {
    return bad;
  }
  const std::string s(scheme);
  curl_free(scheme);
  for (const char* allowed : {"http", "https", "socks4", "socks4a", "socks5", "socks5h"}) {
    if (s == allowed) return {};
  }
  return bad;
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
      "Exit status: 0 all URLs ok, 1 some failed (or --max-failures/--max-time stopped the run), "
      "2 usage error,\n130/143 interrupted by SIGINT/SIGTERM.\nSee README.md for the output "
      "format.");

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

  const std::string kRetries = "Retries and limits";
  app.add_option("--retries", o.retries,
                 "Retry transient failures (connect errors, timeouts, resets, truncated bodies, "
                 "HTTP 408/429/500/502/503/504) up to N times")
      ->default_val(o.retries)
      ->type_name("N")
      ->check(CLI::Range(0, 1000).description(""))
      ->group(kRetries);
  app.add_option("--retry-wait", o.retry_wait_s,
                 "First backoff ceiling; it doubles per retry, with full jitter")
      ->default_val(o.retry_wait_s)
      ->type_name("SECS")
      ->check(NonNegativeSeconds)
      ->group(kRetries);
  app.add_option("--retry-max-wait", o.retry_max_wait_s,
                 "Longest wait before a retry, Retry-After included")
      ->default_val(o.retry_max_wait_s)
      ->type_name("SECS")
      ->check(NonNegativeSeconds)
      ->group(kRetries);
  app.add_option("--per-host", o.per_host,
                 "Transfers at once to one host at most (default: no limit beyond --workers)")
      ->type_name("N")
      ->check(CLI::Range(1, 1024).description(""))
      ->group(kRetries);
  std::string rate;
  app.add_option("--rate", rate, "Request starts at most N per second (or /m, /h), evenly spaced")
      ->type_name("N[/s|/m]")
      ->check([](const std::string& text) -> std::string {
        if (ParseRate(text)) return {};
        return fmt::format("'{}' is not a rate (expected N, N/s, N/m or N/h, N > 0)", text);
      })
      ->group(kRetries);
  std::string max_size;
  app.add_option("--max-size", max_size, "Abort a body larger than this (suffixes K, M, G)")
      ->type_name("BYTES")
      ->check([](const std::string& text) -> std::string {
        if (ParseByteSize(text)) return {};
        return fmt::format("'{}' is not a size (expected e.g. 500, 64K, 10M, 1G)", text);
      })
      ->group(kRetries);
  app.add_option("--max-failures", o.max_failures,
                 "Stop taking new URLs after N failures (exit status 1)")
      ->type_name("N")
      ->check(CLI::Range(1, INT_MAX).description(""))
      ->group(kRetries);
  app.add_option("--max-time", o.max_time_s,
                 "Stop the whole run after this long, as Ctrl-C would (exit status 1)")
      ->type_name("SECS")
      ->check(PositiveSeconds)
      ->group(kRetries);

  const std::string kRequest = "Request";
  app.add_option("-H,--header", o.headers,
                 "Extra request header (repeatable); \"Name:\" removes one libcurl adds")
      ->type_name("'NAME: VALUE'")
      ->check(HeaderLine)
      ->group(kRequest);
  std::string user_agent;
  app.add_option("-A,--user-agent", user_agent,
                 fmt::format("User-Agent header (default fetchpool/{})", kVersion))
      ->type_name("TEXT")
      ->check(OneLine)
      ->group(kRequest);
  app.add_option("-u,--user", o.user, "Credentials for the server (Basic auth)")
      ->type_name("USER:PASSWORD")
      ->check(UserPassword)
      ->group(kRequest);
  app.add_flag("--head", o.head, "Send HEAD instead of GET (GET again on 405 or 501)")
      ->excludes(output_dir)  // a HEAD has no body to save
      ->group(kRequest);
  std::string accept;
  app.add_option("--accept", accept,
                 "Statuses that count as ok (default 200-399); a line's status= wins")
      ->type_name("RANGES")
      ->check([](const std::string& text) -> std::string {
        if (StatusSet::Parse(text)) return {};
        return fmt::format("'{}' is not a list of statuses (expected e.g. 200-299,304)", text);
      })
      ->group(kRequest);
  bool no_follow = false;
  app.add_flag("--no-follow", no_follow, "Do not follow redirects (a 3xx is the answer)")
      ->group(kRequest);
  app.add_flag("-k,--insecure", o.insecure, "Skip TLS certificate and host name verification")
      ->group(kRequest);
  app.add_option("--cacert", o.cacert, "Verify TLS peers with this CA bundle (PEM)")
      ->type_name("FILE")
      ->check(CLI::ExistingFile.description(""))
      ->group(kRequest);
  app.add_option("--proxy", o.proxy,
                 "Use this proxy (default: http_proxy, https_proxy and no_proxy, as curl does)")
      ->type_name("URL")
      ->check(ProxyUrl)
      ->group(kRequest);
  bool http11 = false, http2 = false;
  auto* h11 = app.add_flag("--http1.1", http11, "Use HTTP/1.1 only")->group(kRequest);
  auto* h2 =
      app.add_flag("--http2", http2, "Ask for HTTP/2 on http:// too (over TLS it is the default)")
          ->group(kRequest);
  h11->excludes(h2);

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
  if (http2 && (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2) == 0) {
    fmt::print(stderr, "fetchpool: --http2: this libcurl was built without HTTP/2\n");
    return {std::nullopt, 2};
  }
  o.http_version = http11  ? HttpVersion::kHttp11
                   : http2 ? HttpVersion::kHttp2
                           : HttpVersion::kDefault;
  if (!rate.empty()) o.rate_interval = *ParseRate(rate);
  if (!max_size.empty()) o.max_size = *ParseByteSize(max_size);
  if (!accept.empty()) o.accept = StatusSet::Parse(accept);
  if (app.count("--user-agent") > 0) o.user_agent = user_agent;
  o.follow = !no_follow;
  return {std::move(o), 0};
}

}  // namespace fetchpool
