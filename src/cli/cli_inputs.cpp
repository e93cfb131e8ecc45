#include "fetchpool/cli/cli_inputs.hpp"

#include <fmt/format.h>

#include "fetchpool/cli/cli_option_helpers.hpp"

namespace fetchpool {

// Where URLs come from besides one per line (docs/inputs.md). `extract` is --extract, resolved
// against --input after parsing.
void AddInputOptions(CLI::App& app, InputOptions& o, bool& extract) {
  const std::string group = "Inputs";
  AddEnum(app, "--input", o.mode, kInputModeNames, "How to read each input line")
      ->type_name("MODE")
      ->group(group);
  app.add_flag("--extract", extract, "Same as --input extract")->group(group);
  app.add_option("--sitemap", o.sitemaps,
                 "Also check the URLs of this sitemap or sitemap index (gzipped or not)")
      ->type_name("FILE|URL")
      ->check([](const std::string& text) {
        return text.empty() ? std::string("the sitemap must not be empty") : std::string();
      })
      ->group(group);
  app.add_flag("--dedup", o.dedup,
               "Fetch each distinct URL once; its other places are marked as duplicates")
      ->group(group);
  auto* baseline =
      app.add_option("--baseline", o.baseline, "Only warn when a URL also found in FILE fails")
          ->type_name("FILE")
          ->check([](const std::string& text) {
            return text.empty() ? std::string("the file name must not be empty") : std::string();
          })
          ->group(group);
  app.add_flag("--baseline-skip", o.baseline_skip,
               "Do not fetch the URLs found in the --baseline FILE")
      ->needs(baseline)
      ->group(group);
}

// --extract is --input extract: ok unless --input said otherwise.
Status ResolveExtractAlias(InputOptions& o, bool extract) {
  if (!extract) return Status::Ok();
  if (o.mode != InputMode::kLines && o.mode != InputMode::kExtract) {
    return Status::Error(fmt::format("--extract conflicts with --input {} (see fetchpool --help)",
                                     NameOf(kInputModeNames, o.mode)));
  }
  o.mode = InputMode::kExtract;
  return Status::Ok();
}

}  // namespace fetchpool
