#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <utility>

#include "fetchpool/cli/cli_checks.hpp"
#include "fetchpool/util/enum_names.hpp"

namespace fetchpool {

// The value of a string option, parsed once, by its validator, straight into `target`: the
// error text stays CLI11's "OPTION: reason" and nothing parses it again later.
template <typename T, typename Parse>
CLI::Validator ParseInto(T& target, Parse parse, std::string bad) {
  return CLI::Validator(
      [&target, parse, bad = std::move(bad)](std::string& text) -> std::string {
        auto value = parse(text);
        if (!value) return fmt::format(fmt::runtime(bad), text);
        target = std::move(*value);
        return {};
      },
      "");
}

// Makes every repeatable option take one value per use, as curl's -H does: `-H 'A: b' urls.txt`
// is a header and a list. CLI11's vector options would otherwise take every following word as
// another value. Call once every option is added.
inline void OneValuePerUse(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->nonpositional()) opt->allow_extra_args(false);
  }
}

// Refuses an empty value: "`what` must not be empty".
inline CLI::Validator NotEmpty(const std::string& what) {
  return CLI::Validator(
      [what](const std::string& text) {
        return text.empty() ? what + " must not be empty" : std::string();
      },
      "");
}

// A SECS option, parsed once into `target`: more than 0 when `positive`, else 0 or more; at
// most a year. `show_default` prints the default in --help.
inline CLI::Option* AddSeconds(CLI::App& app, const std::string& name, double& target,
                               const std::string& help, bool positive, bool show_default) {
  CLI::Option* option =
      app.add_option(name, help)
          ->type_name("SECS")
          ->check(positive ? ParseInto(target, ParsePositiveSeconds,
                                       "'{}' is not a positive number of seconds")
                           : ParseInto(target, ParseNonNegativeSeconds,
                                       "'{}' is not a number of seconds (0 or more)"));
  if (show_default) option->default_str(fmt::format("{:g}", target));
  return option;
}

// An enum option spelled as `names` lists it, shown with its default. Help reads
// "`about`: a, b (note) or c", built from `names`, so the spellings are written only there.
template <typename E>
CLI::Option* AddEnum(CLI::App& app, const std::string& name, E& target, const EnumNames<E>& names,
                     const std::string& about) {
  std::string set;
  for (const auto& entry : names) set += (set.empty() ? "" : ",") + entry.name;
  auto lookup = [&names](const std::string& text) -> std::optional<E> {
    for (const auto& entry : names) {
      if (entry.name == text) return entry.value;
    }
    return std::nullopt;
  };
  const std::string help = about + ": " + ListOf(names);
  return app.add_option(name, help)
      ->default_str(NameOf(names, target))
      ->check(ParseInto(target, lookup, "{} not in {{" + set + "}}"));
}

}  // namespace fetchpool
