#pragma once

#include <memory>

#include "fetchpool/result_sink.hpp"
#include "fetchpool/state_store.hpp"

namespace fetchpool {

// The state's only writer: each result goes into the run's results and the URL's history, in
// batched transactions (every kStateBatchRows results or kStateBatchAge, whichever comes first),
// so a crash loses at most the last batch. A write failure (disk full, I/O error) stops the
// recording, never the run; Finish reports it once.
// Thread-compatible: owned and called by the printer thread; `store` must outlive it.
std::unique_ptr<ResultSink> MakeStateSink(StateStore& store);

inline constexpr int kStateBatchRows = 512;
inline constexpr std::chrono::milliseconds kStateBatchAge{200};

}  // namespace fetchpool
