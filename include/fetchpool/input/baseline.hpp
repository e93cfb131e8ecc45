#pragma once

#include "fetchpool/core/input_options.hpp"
#include "fetchpool/input/url_keys.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// --baseline FILE: reads the URLs of `input.baseline` into `out` before anything is fetched. One
// URL per line (per-line checks ignored) when the run reads lines; in every other mode the URLs
// anywhere in each line (FindUrl), so the baseline may be a list, an old version of the docs, a
// grep of them or a sitemap. A file that cannot be read is a setup error.
Status LoadBaseline(const InputOptions& input, UrlKeySet& out);

}  // namespace fetchpool
