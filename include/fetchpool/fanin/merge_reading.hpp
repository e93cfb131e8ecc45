#pragma once

#include <deque>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "fetchpool/fanin/run_stream.hpp"

namespace fetchpool {

// Every source of `fetchpool report`, read on up to `threads` threads (a thread takes the next
// file when it is done with one), each into a book of its own; results go to `emit` (from any
// of those threads) as they are read, in no particular order across files. Once all are read,
// `all` holds every run in source order, every host and the count, and `error` the first
// source's failure in source order (reading stops on the first one). The per-source books stay:
// the input names their results view live there.
// Thread-safety: Read is called once, by one thread; its reading threads are joined before it
// returns, so everything is then the caller's.
struct MergeReading {
  std::deque<MergeBook> per_source;
  MergeBook all;
  Status error;

  void Read(const std::vector<std::string>& files, unsigned threads,
            const std::function<bool(Result)>& emit, const std::stop_token& stop);
};

}  // namespace fetchpool
