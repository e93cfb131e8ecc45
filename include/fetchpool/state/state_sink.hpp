#pragma once

#include <memory>

#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/state/state_store.hpp"

namespace fetchpool {

// The state's only writer: each result goes into the run's results and the URL's history, in
// batched transactions (every kStateBatchRows results or kStateBatchAge, whichever comes first),
// so a crash loses at most the last batch. A write failure (disk full, I/O error) stops the
// recording, never the run; Finish reports it once.
// Thread-compatible: owned and called by the printer thread; `store` must outlive it.
std::unique_ptr<ResultSink> MakeStateSink(StateStore& store);

// Large enough that a batch rewrites each page of the URL-key index about once (random keys
// touch all of its pages): 4096 took 10% less CPU than 512 on a 10k run. The age bounds the loss.
inline constexpr int kStateBatchRows = 4096;
inline constexpr std::chrono::milliseconds kStateBatchAge{200};

}  // namespace fetchpool
