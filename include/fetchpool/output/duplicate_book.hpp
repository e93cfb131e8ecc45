#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

// --dedup, on the printer's side. The reader fetches each distinct URL once and sends a later
// line's URL straight here as a duplicate (Result::duplicate_of names its first). Its verdict is a
// copy of the first's (ok, warning, error, status, bytes), with no transfer of its own: no time,
// no attempts. A duplicate that arrives before its first waits here. With --each-address the
// first is every result of its URL (one per address): a duplicate copies the worst of them (a
// failure, else a warning), once all came.
// Memory: the verdict of every first, 128 bytes a distinct URL (a failure's reason more).
// Thread-compatible: the printer's.
class DuplicateBook {
 public:
  // A result that was fetched (or answered from --state): kept for its duplicates. Appends the
  // duplicates that waited for it, completed, to `ready`.
  void First(const Result& first, std::vector<Result>& ready);
  // A duplicate: true, completed, when its first is known; false when it waits (it is taken).
  bool Complete(Result& duplicate);
  // At the end: the duplicates whose first never came (a stop or --max-failures left it
  // unstarted), dropped as it was. Returns how many.
  std::size_t DropWaiting();

 private:
  struct FirstOutcome {
    std::string_view input;
    std::uint64_t line = 0;
    std::uint32_t column = 0;
    ErrorKind error_kind = ErrorKind::kNone;
    bool ok = false;
    bool warning = false;
    long http_status = 0;
    std::uint64_t bytes = 0;
    int fail_runs = 0;  // --state: a duplicate whose URL has no row yet gets the first's streak
    std::int64_t failing_since_ms = 0;
    std::string error;
  };
  static FirstOutcome OutcomeOf(const Result& first);
  static void Copy(const FirstOutcome& from, std::uint64_t seq, Result& to);
  // --each-address: folds one of the first's results into the worst so far; true, with the
  // worst in `outcome`, once its URL's last address came.
  bool Gather(const Result& first, FirstOutcome& outcome);

  struct Gathering {
    FirstOutcome worst;
    std::uint16_t seen = 0;
  };
  std::unordered_map<std::uint64_t, FirstOutcome> firsts_;  // by the first's seq
  std::unordered_map<std::uint64_t, Gathering> gathering_;  // --each-address, by seq
  std::unordered_multimap<std::uint64_t, Result> waiting_;
};

}  // namespace fetchpool
