#include "fetchpool/engine/run_config.hpp"

#include <algorithm>

#include "fetchpool/util/fd_limit.hpp"

namespace fetchpool {

RunConfig::RunConfig(const Options& o, std::size_t open_files)
    : options(o),
      collect_details(o.output.format != OutputFormat::kText ||
                      o.output.verbosity == Verbosity::kVerbose || o.output.stats ||
                      !o.output.html_path.empty()),
      held_connections(HeldConnectionsPerWorker(open_files, o.pool.workers)),
      capacity(DispatchCapacity::ForWorkers(o.pool.workers)),
      host_notes(o.output.verbosity == Verbosity::kVerbose),
      track_changes(!o.state.path.empty()) {
  const auto workers = static_cast<std::size_t>(std::max(o.pool.workers, 1));
  capacity.held_connections = held_connections;
  // Room for many results: the printer takes all of them at once, and a reader answering from
  // --state fills the queue faster than the printer empties it, so each wake-up of the reader
  // (one per full queue) is worth a large batch. About 300 KB of results of ordinary URLs.
  results_capacity = std::max<std::size_t>(1024, capacity.max_fresh);
  if (o.output.ordered) reorder_capacity = std::max<std::size_t>(256, 16 * workers);
  if (o.input.dedup && !o.output.ordered)
    duplicates_capacity = std::max<std::size_t>(256, 16 * workers);
  if (o.max_time_s > 0) {
    max_time = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(o.max_time_s));
  }
}

}  // namespace fetchpool
