#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fetchpool/core/state_options.hpp"
#include "fetchpool/state/sqlite_handles.hpp"
#include "fetchpool/util/status.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {

// Which run of the state file this process records into.
struct StateRun {
  std::int64_t id = 0;
  bool resumed = false;  // --resume found the last run unfinished and continues it
};

// The --state file, opened for this run: the exclusive lock, the one writing connection and the
// run's row. Open() does every check before anything is fetched; after it the file is ours
// until this object goes. Writes go through the sink (state_sink.hpp) on the printer thread;
// MarkFinished runs on the main thread after the printer is done.
// Thread-compatible: one thread at a time (handed over through thread joins).
class StateStore {
 public:
  // Locks the file (waiting briefly for another run to let go), checks or creates the schema,
  // switches to WAL and starts (or, with --resume, continues) a run. `inputs` are the input
  // names as given ("-" for stdin), recorded so --resume can refuse another list.
  static Status Open(const StateOptions& options, const std::vector<std::string>& inputs,
                     std::unique_ptr<StateStore>* out);
  ~StateStore();

  const std::string& path() const { return path_; }
  const StateRun& run() const { return run_; }
  Database& db() { return db_; }

  // The first write failure, after which nothing more is written (the run goes on).
  const Status& write_error() const { return write_error_; }
  void set_write_error(Status s) {
    if (write_error_.ok()) write_error_ = std::move(s);
  }

  // The whole list was read and every URL has its result: --resume has nothing to continue.
  Status MarkFinished();

 private:
  StateStore() = default;
  Status StartRun(const StateOptions& options, const std::string& inputs_json);

  std::string path_;
  UniqueFd lock_;  // flock()ed for the whole run; closed after the connection
  Database db_;
  StateRun run_;
  Status write_error_;
};

// Unix time in milliseconds, as the state stores times.
std::int64_t UnixMillisNow();

}  // namespace fetchpool
