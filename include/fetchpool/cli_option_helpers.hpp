#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <utility>

#include "fetchpool/enum_names.hpp"

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

// An enum option spelled as `names` lists it, shown with its default.
template <typename E>
CLI::Option* AddEnum(CLI::App& app, const std::string& name, E& target, const EnumNames<E>& names,
                     const std::string& help) {
  std::string set;
  for (const auto& [spelling, value] : names) set += (set.empty() ? "" : ",") + spelling;
  auto lookup = [&names](const std::string& text) -> std::optional<E> {
    for (const auto& [spelling, value] : names) {
      if (spelling == text) return value;
    }
    return std::nullopt;
  };
  return app.add_option(name, help)
      ->default_str(NameOf(names, target))
      ->check(ParseInto(target, lookup, "{} not in {{" + set + "}}"));
}

}  // namespace fetchpool
