#pragma once

#include <memory>

#include "fetchpool/core/job_screen.hpp"
#include "fetchpool/core/state_options.hpp"
#include "fetchpool/state/sqlite_handles.hpp"
#include "fetchpool/state/state_store.hpp"
#include "fetchpool/state/url_row_window.hpp"

namespace fetchpool {

// The reader's side of --state, on its own read-only connection: one lookup per URL (by its key,
// or in a window of rows when the list comes in about the order it was recorded) for its history
// (--fail-after, "change"), --max-cache-age hits, and, with --resume, the results the
// unfinished run already has (answered from the state, never fetched again).
// Thread-compatible: opened on the main thread, then used by the reader thread only.
class StateLookup final : public JobScreen {
 public:
  // After StateStore::Open (the schema exists and the file is in WAL mode).
  static Status Open(const StateOptions& options, const StateRun& run,
                     std::unique_ptr<StateLookup>* out);

  Status Screen(Job& job, std::optional<Result>& ready) override;

 private:
  StateLookup(const StateOptions& options, const StateRun& run) : options_(options), run_(run) {}
  Status FromResumedRun(const Job& job, std::optional<Result>& ready);
  void ReadHistory(Job& job, std::optional<Result>& ready);
  // The URL's row from the window or else by its key; false: the URL has none.
  bool FindRow(const Job& job, UrlRow& row);
  // Each lookup is its own read transaction (autocommit): a snapshot held across lookups, even
  // briefly renewed, kept every checkpoint from finishing, and the WAL grew without bound (435 MB
  // after 30 s of recording 200k URLs). "Now" for --max-cache-age is read every so many lookups.
  void Renew();

  StateOptions options_;
  StateRun run_;
  Database db_;
  Statement history_;
  UrlRowWindow window_;  // rows near the last one found, for lists in about recorded order
  Statement done_;       // --resume: the unfinished run's result at this position
  // The state held no URL when the run began (a first run): every URL is new, and one this run
  // records twice is the writer's to find, so no lookup is made.
  bool no_history_ = false;
  int lookups_since_clock_ = 0;
  std::int64_t now_ms_ = 0;  // unix ms, read every kLookupsPerClock lookups
};

}  // namespace fetchpool
