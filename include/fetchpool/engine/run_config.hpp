#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "fetchpool/core/options.hpp"
#include "fetchpool/engine/dispatcher.hpp"

namespace fetchpool {

// What a run works out from its Options before it starts, in this one place: the Options stay
// what the user said, and nothing copies them to patch a field. Built once by Run (or a test)
// and read by the pipeline and by whoever makes the fetchers.
// Thread-safety: a plain value; read-only once built, so any thread may read it.
struct RunConfig {
  // `open_files`: the descriptor limit the run may use (RaiseOpenFileLimit), which bounds the
  // connections each worker keeps open. `options` must outlive the config.
  RunConfig(const Options& options, std::size_t open_files);

  const Options& options;
  // The output shows the effective URL, the IP and the phase times (JSON Lines, CSV, -v,
  // --stats, --html), so the fetchers note them.
  bool collect_details = false;
  std::size_t held_connections = 1;  // connections each worker's fetcher keeps open for reuse
  DispatchCapacity capacity;         // what the dispatcher holds before the reader waits
  std::size_t results_capacity = 0;  // results queued for the printer before workers wait
  std::size_t reorder_capacity = 0;  // --ordered: how far work may run ahead; 0 without it
  // --dedup without --ordered: how many duplicates may wait at the printer for their first; 0
  // otherwise (--ordered's window holds them).
  std::size_t duplicates_capacity = 0;
  std::optional<std::chrono::steady_clock::duration> max_time;  // --max-time
  bool host_notes = false;     // -v: pauses and limit cuts noted on stderr as they happen
  bool track_changes = false;  // --state: the summary counts new failures and recoveries
};

}  // namespace fetchpool
