#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fetchpool/core/run_record.hpp"
#include "fetchpool/output/report.hpp"

namespace fetchpool {

// What one run in the merged JSON Lines said about itself, and what its records added up to.
struct LedgerRun {
  std::string where;  // "shard-2.jsonl:1": its run record
  RunHeader header;
  std::optional<RunEnd> end;
  std::optional<Summary> summary;  // its own summary record
  Summary counted;                 // total, ok, failed, warned of its result records
  bool hosts = false;              // it had --host-stats records
};

// Why the runs are not one whole list. `missing` is what --allow-partial reports without;
// `contradictions` are never merged (two results for one URL, counts that disagree).
struct LedgerFindings {
  std::vector<std::string> missing;
  std::vector<std::string> contradictions;
  bool whole() const { return missing.empty() && contradictions.empty(); }
};

// Every run `fetchpool report` reads, in order, and the check that they make whole lists: per
// list (its digest), every shard K of one N exactly once, each finished and with all its
// results. Several whole lists may be merged (runs of different lists, unsharded or each
// complete); a shard of another list in a set is named as such.
// Thread-compatible: filled by the reading thread, checked after it is joined.
class RunLedger {
 public:
  // A run record; the run is then the current one until End or the next Begin.
  LedgerRun& Begin(RunHeader header, std::string where);
  // The current run, or null when none has begun or it has ended.
  LedgerRun* current() { return open_ ? &runs_.back() : nullptr; }
  // The run begun last, ended or not; null before the first.
  LedgerRun* last() { return runs_.empty() ? nullptr : &runs_.back(); }
  void End() { open_ = false; }
  // Results that came with no run record around them (older fetchpool, or not fetchpool).
  void Orphan(const std::string& where);
  // Another source's runs (and results without a run), after these.
  void Append(const RunLedger& other);

  // `counts`: also check each run's results against its own end and summary records (off for
  // runs known only from a glance at their files: run_preview.hpp).
  LedgerFindings Check(bool counts = true) const;

  const std::vector<LedgerRun>& runs() const { return runs_; }

  // The merged run, for its summary and its own JSON Lines records: from the first start to
  // the last finish (the longest run when starts are unknown); whether any run used --state;
  // every run's input files (first seen first); workers of all runs; the list or, for several,
  // a digest of their digests.
  double ElapsedS() const;
  bool AnyState() const;
  bool AnyEachAddress() const;  // a run's summary counted URLs and results apart
  // The runs whose summary says their p95 was over their --max-p95: "shard 2/4 (s2.jsonl:1):
  // p95 of ...". A merge does not judge the budget again (the results do not carry each
  // attempt's own time); it keeps the runs' own verdicts.
  std::vector<std::string> BudgetBreaches() const;
  std::vector<std::string> Files() const;
  int Workers() const;
  std::int64_t StartedMs() const;
  ListIdentity List() const;

 private:
  std::vector<LedgerRun> runs_;
  bool open_ = false;
  std::uint64_t orphans_ = 0;
  std::string first_orphan_;
};

}  // namespace fetchpool
