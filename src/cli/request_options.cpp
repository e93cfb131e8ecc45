#include "fetchpool/cli/request_options.hpp"

#include <fmt/format.h>

#include <optional>
#include <string>

#include "fetchpool/cli/cli_checks.hpp"
#include "fetchpool/cli/cli_option_helpers.hpp"
#include "fetchpool/util/status_set.hpp"
#include "fetchpool/version.hpp"

namespace fetchpool {

void AddRequestOptions(CLI::App& app, FetchOptions& f, std::optional<StatusSet>& accept,
                       CLI::Option* output_dir, ConfigOptions& config) {
  const std::string group = "Request";
  app.add_option("--config", config.path,
                 "Read defaults and per-host settings (headers, credentials, limits, TLS) from "
                 "this TOML file; flags win over its top level")
      ->type_name("FILE")
      ->group(group);
  app.add_option("-H,--header", f.headers,
                 "Extra request header for each listed URL's own host (repeatable); \"Name:\" "
                 "removes one libcurl adds; @FILE reads one per line")
      ->type_name("'NAME: VALUE'")
      ->check(CheckHeaderLine)
      ->group(group);
  auto given = [](const std::string& text) { return std::optional<std::string>(text); };
  const std::string user_agent_help =
      fmt::format("User-Agent header (default fetchpool/{})", kVersion);
  app.add_option("-A,--user-agent", user_agent_help)
      ->type_name("TEXT")
      ->check(CheckOneLine)
      ->check(ParseInto(f.user_agent, given, ""))
      ->group(group);
  app.add_option("-u,--user", f.user,
                 "Credentials (Basic auth) for each listed URL's own host, not for a redirect's")
      ->type_name("USER:PASSWORD")
      ->check(CheckUserPassword)
      ->group(group);
  app.add_flag("--location-trusted", f.location_trusted,
               "Unsafe: send -H and -u on to any host a redirect leads to")
      ->group(group);
  auto* netrc_file = app.add_option("--netrc-file", f.netrc_file,
                                    "Per-host credentials from this netrc file (as curl reads it)")
                         ->type_name("FILE")
                         ->check(CLI::ExistingFile.description(""))
                         ->group(group);
  app.add_flag("--netrc", f.netrc, "Per-host credentials from ~/.netrc (as curl reads it)")
      ->excludes(netrc_file)
      ->group(group);
  app.add_flag("--head", f.head, "Send HEAD instead of GET (GET again on 405 or 501)")
      ->excludes(output_dir)  // a HEAD has no body to save
      ->group(group);
  app.add_option("--accept", "Statuses that count as ok (default 200-399); a line's status= wins")
      ->type_name("RANGES")
      ->check(ParseInto(accept, StatusSet::Parse,
                        "'{}' is not a list of statuses (expected e.g. 200-299,304)"))
      ->group(group);
  app.add_flag_function(
         "--no-follow", [&f](std::int64_t) { f.follow = false; },
         "Do not follow redirects (a 3xx is the answer)")
      ->group(group);
  app.add_flag("-k,--insecure", f.insecure, "Skip TLS certificate and host name verification")
      ->group(group);
  app.add_option("--cacert", f.cacert, "Verify TLS peers with this CA bundle (PEM)")
      ->type_name("FILE")
      ->check(CLI::ExistingFile.description(""))
      ->group(group);
  app.add_option("--proxy", f.proxy,
                 "Use this proxy (default: the *_proxy variables, as curl does)")
      ->type_name("URL")
      ->check(CheckProxyUrl)
      ->group(group);
  auto version = [&f](HttpVersion v) { return [&f, v](std::int64_t) { f.http_version = v; }; };
  auto* h11 = app.add_flag_function("--http1.1", version(HttpVersion::kHttp11),
                                    "Use HTTP/1.1 only (the default)")
                  ->group(group);
  auto* h2 = app.add_flag_function("--http2", version(HttpVersion::kHttp2),
                                   "Use HTTP/2: over TLS when the server offers it, h2c on http://")
                 ->group(group);
  h11->excludes(h2);
}

}  // namespace fetchpool
