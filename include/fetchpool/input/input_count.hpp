#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>

#include "fetchpool/core/input_options.hpp"
#include "fetchpool/input/url_keys.hpp"

namespace fetchpool {

// The number of URLs the reader will submit, counted up front when every input is a regular
// file (stdin redirected from one included), so the progress line can show a total and an ETA
// from the start. It skips what the reader skips (blank and '#' lines, a BOM, other shards,
// --baseline-skip's URLs) and counts what it finds in the text modes (duplicates too: each gets a
// result). nullopt when an input is a pipe or terminal, cannot be read, there are sitemaps, or
// `stop` came first. Reads with pread, so stdin's file offset is left alone for the reader.
// Thread-safe: it touches nothing shared (`baseline` is read-only).
std::optional<std::uint64_t> CountUrls(const InputOptions& input, const UrlKeySet* baseline,
                                       const std::stop_token& stop);

}  // namespace fetchpool
