#pragma once

#include <memory>

#include "fetchpool/job_screen.hpp"
#include "fetchpool/sqlite_handles.hpp"
#include "fetchpool/state_options.hpp"
#include "fetchpool/state_store.hpp"

namespace fetchpool {

// The reader's side of --state, on its own read-only connection: one indexed lookup per URL for
// its history (--fail-after, "change"), --max-cache-age hits, and, with --resume, the results
// the unfinished run already has (answered from the state, never fetched again).
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
  // Lookups share a read transaction, renewed every so many so the writer's checkpoints go on.
  void Renew();

  StateOptions options_;
  StateRun run_;
  Database db_;
  Statement history_;
  Statement done_;  // --resume: the unfinished run's result at this position
  int lookups_in_txn_ = 0;
  bool in_txn_ = false;
  std::int64_t now_ms_ = 0;  // when the current read transaction began
};

}  // namespace fetchpool
