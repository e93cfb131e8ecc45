// Links that moved: the verdict's reading of a redirect chain. Only the verdict subsystem sees
// this header.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "fetchpool/core/result.hpp"

namespace fetchpool::verdict {

// 301 and 308 say the resource moved for good; 302, 303 and 307 only for this request.
bool PermanentRedirect(long status);

// What the chain's leading run of permanent redirects did to `url`: nothing (no chain, a first
// redirect that is temporary, or a run that comes back to `url`), an upgrade (each step only
// http -> https on the same host and path, the port free to change, or an added trailing slash)
// or a move.
// For an upgrade or a move, `to` is where the run ended, keeping `url`'s fragment when that
// redirect named none (as browsers do).
Relocation Classify(std::string_view url, std::span<const RedirectHop> hops, std::string& to);

}  // namespace fetchpool::verdict
