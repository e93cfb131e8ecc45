#pragma once

#include <optional>
#include <string>

#include "fetchpool/util/enum_names.hpp"

namespace fetchpool {

enum class ColorMode { kAuto, kAlways, kNever };
inline const EnumNames<ColorMode> kColorModeNames = {
    {"auto", ColorMode::kAuto, "a terminal, NO_COLOR unset"},
    {"always", ColorMode::kAlways},
    {"never", ColorMode::kNever}};

enum class OutputFormat { kText, kJsonLines, kCsv };
inline const EnumNames<OutputFormat> kOutputFormatNames = {
    {"text", OutputFormat::kText},
    {"jsonl", OutputFormat::kJsonLines, "JSON Lines"},
    {"csv", OutputFormat::kCsv}};

// --annotate: CI annotations among the result lines on stdout.
enum class AnnotateMode { kNone, kGithub };
inline const EnumNames<AnnotateMode> kAnnotateModeNames = {{"github", AnnotateMode::kGithub}};

enum class Verbosity { kSilent, kQuiet, kNormal, kVerbose };

// What the printer shows and which reports it writes. A plain value.
struct OutputOptions {
  OutputFormat format = OutputFormat::kText;
  ColorMode color = ColorMode::kAuto;
  Verbosity verbosity = Verbosity::kNormal;
  std::optional<bool> progress;  // nullopt: only when stderr is a terminal
  bool ordered = false;          // print in input order
  std::string junit_path;        // also write a JUnit report there; empty: none
  // CI reports (report_sinks.hpp); empty: none.
  std::string markdown_path;
  std::string sarif_path;
  std::string codequality_path;
  AnnotateMode annotate = AnnotateMode::kNone;
  bool stats = false;     // --stats: histogram, statuses, failure kinds, slowest (-v too)
  std::string html_path;  // --html: also write a self-contained HTML report; empty: none
  // --rewrite FILE / --rewrite-suffix SUFFIX: the input list with moved URLs replaced.
  std::string rewrite_path;
  std::string rewrite_suffix;
};

}  // namespace fetchpool
