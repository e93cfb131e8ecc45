#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fetchpool/core/run_record.hpp"
#include "fetchpool/fanin/run_ledger.hpp"

namespace fetchpool {

// A glance at one file before it is read: the run record on its first line, and the end
// record nearest its end (the last 64 KiB hold it: after it come only the summary).
struct RunPreview {
  std::string file;
  std::optional<RunHeader> first;
  std::optional<RunEnd> last_end;
  // One whole run, as far as a glance can tell: it ends with the end of the run it begins with.
  bool single() const { return first && last_end && first->id == last_end->id; }
};

// The previews of the regular files among `files` (stdin and pipes can only be read once).
std::vector<RunPreview> PreviewRuns(const std::vector<std::string>& files);

// When every file is a regular file holding one run, the ledger of those runs, so that a
// missing, doubled, unfinished shard or one of another list is known before anything is
// printed (RunLedger::Check without the counts, which need the results); nullopt otherwise.
std::optional<RunLedger> LedgerOfPreviews(const std::vector<std::string>& files,
                                          const std::vector<RunPreview>& previews);

}  // namespace fetchpool
