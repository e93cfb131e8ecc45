#pragma once

#include <cstddef>

namespace fetchpool {

// Raises the soft limit on open files to the hard limit, as Go's runtime does at start, and
// returns the limit now in force: idle connections kept for reuse each hold a descriptor, and the
// soft limit (often 1024) would otherwise be reached long before the machine's.
std::size_t RaiseOpenFileLimit();

// How many connections each of `workers` handles may keep open for reuse under `open_files`:
// half the descriptors, less a reserve for everything else, shared out, at most 64 (enough for a
// worker's share of 1,000 hosts at 16 workers) and at least 1.
std::size_t HeldConnectionsPerWorker(std::size_t open_files, int workers);

}  // namespace fetchpool
