#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fetchpool/status_set.hpp"

namespace fetchpool {

enum class ColorMode { kAuto, kAlways, kNever };
enum class OutputFormat { kText, kJsonLines, kCsv };
enum class Verbosity { kSilent, kQuiet, kNormal, kVerbose };
// What -o does when the file it would create already exists.
enum class OnExists { kRename, kSkip, kOverwrite, kFail };
enum class HttpVersion { kDefault, kHttp11, kHttp2 };

// How bodies are saved (-o and friends). A plain value; empty `dir` means bodies are discarded.
struct SaveOptions {
  std::string dir;
  bool mirror_paths = false;  // DIR/HOST[:PORT]/PATH... instead of DIR/NAME
  OnExists on_exists = OnExists::kRename;
  bool resume = false;               // -c: keep partials as DIR/.NAME.part and resume them
  bool content_disposition = false;  // prefer the server's file name
};

// Everything the command line decides. A plain value built once by ParseCommandLine.
struct Options {
  std::vector<std::string> inputs;  // files in order; empty or "-" means stdin
  int workers = 8;
  double connect_timeout_s = 10.0;
  double timeout_s = 0.0;         // whole transfer, per URL; 0 = none
  double stall_timeout_s = 30.0;  // abort when nothing arrives for this long
  int max_redirects = 10;
  ColorMode color = ColorMode::kAuto;
  OutputFormat format = OutputFormat::kText;
  Verbosity verbosity = Verbosity::kNormal;
  std::optional<bool> progress;  // nullopt: only when stderr is a terminal
  bool ordered = false;
  std::string junit_path;
  std::string shard;  // "K/N", validated by the parser; empty = every URL
  SaveOptions save;

  // Retries, limits and politeness.
  int retries = 0;
  double retry_wait_s = 1.0;
  double retry_max_wait_s = 60.0;
  int per_host = 0;                           // 0: no limit beyond the workers
  std::chrono::nanoseconds rate_interval{0};  // between request starts; 0: no pacing
  std::uint64_t max_size = 0;                 // bytes; 0: no limit
  int max_failures = 0;                       // 0: never stop early
  double max_time_s = 0;                      // whole run; 0: no deadline

  // Request controls, spelled as curl spells them.
  std::vector<std::string> headers;
  std::optional<std::string> user_agent;  // nullopt: fetchpool/VERSION
  std::string user;                       // USER:PASSWORD
  bool head = false;
  std::optional<StatusSet> accept;  // nullopt: 200-399
  bool follow = true;
  bool insecure = false;
  std::string cacert;
  std::string proxy;
  HttpVersion http_version = HttpVersion::kDefault;
};

// The outcome of parsing argv: either options to run with, or an exit code to return at once
// (0 after --help/--version, 2 after a usage error; the message is already printed).
struct ParsedCommandLine {
  std::optional<Options> options;
  int exit_code = 0;
};

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv);

}  // namespace fetchpool
