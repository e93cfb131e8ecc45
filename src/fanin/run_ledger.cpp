#include "fetchpool/fanin/run_ledger.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "fetchpool/input/list_digest.hpp"

namespace fetchpool {
namespace {

using Members = std::vector<const LedgerRun*>;

// "sha256:3cd8e1940f7a": enough to tell lists apart in a message.
std::string Short(const std::string& digest) { return digest.substr(0, 19); }

std::string Who(const LedgerRun& r) {
  return fmt::format("shard {}/{} ({})", r.header.shard, r.header.shards, r.where);
}

std::string ListName(const LedgerRun& r) {
  return fmt::format("list {} ({} URLs)", Short(r.end->list.digest), r.end->list.urls);
}

// "sha256:3cd8e1940f7a, 2000 URLs", in parentheses after "another list".
std::string ListBrief(const LedgerRun& r) {
  return fmt::format("{}, {} URLs", Short(r.end->list.digest), r.end->list.urls);
}

std::string StoppedByText(const std::string& by) {
  if (by == "max-time" || by == "max-failures") return "--" + by;
  if (by == "stopped") return "a signal or a closed stdout";
  if (by == "input") return "an input that could not be read";
  if (by == "aborted") return "transfers aborted";
  return by.empty() ? "an unknown cause" : by;
}

// "1, 2, 4", or the first ten and how many more.
std::string ShardList(const std::vector<std::uint64_t>& shards) {
  std::string out;
  for (std::size_t i = 0; i < shards.size() && i < 10; ++i) {
    out += fmt::format("{}{}", i == 0 ? "" : ", ", shards[i]);
  }
  if (shards.size() > 10) out += fmt::format(" and {} more", shards.size() - 10);
  return out;
}

void CheckCounts(const LedgerRun& r, LedgerFindings& v) {
  const std::uint64_t n = r.counted.total;
  // URLs with a result: with --each-address a URL has one per address, counted at its first.
  const std::uint64_t urls = r.counted.urls;
  const RunEnd& end = *r.end;
  if (n != end.results) {
    v.contradictions.push_back(
        fmt::format("{}: its end record counts {} result records, but {} came before it", Who(r),
                    end.results, n));
  } else if (urls > end.urls) {
    v.contradictions.push_back(
        fmt::format("{}: results for {} URLs of {}", Who(r), urls, end.urls));
  } else if (urls < end.urls) {
    v.missing.push_back(
        fmt::format("{} holds the results of {} of its {} URLs (written with -q or "
                    "-s?)",
                    Who(r), urls, end.urls));
  } else if (r.summary &&
             (r.summary->total != n || r.summary->ok != r.counted.ok ||
              r.summary->failed != r.counted.failed || r.summary->warned != r.counted.warned)) {
    const Summary& s = *r.summary;
    v.contradictions.push_back(fmt::format(
        "{}: its results add up to {} ok, {} failed, {} warned, but its summary says {} ok, {} "
        "failed, {} warned",
        Who(r), r.counted.ok, r.counted.failed, r.counted.warned, s.ok, s.failed, s.warned));
  }
}

void CheckRun(const LedgerRun& r, bool counts, LedgerFindings& v) {
  if (!r.end) {
    v.missing.push_back(fmt::format(
        "{} did not finish: no end record (the run was killed, or the file is cut short)", Who(r)));
  } else if (!r.end->finished) {
    v.missing.push_back(
        fmt::format("{} did not finish: stopped by {}", Who(r), StoppedByText(r.end->stopped_by)));
  } else if (counts) {
    CheckCounts(r, v);
  }
}

// The runs of each list; those that never said which list they read (unfinished) apart.
struct Lists {
  std::map<std::string, Members> by_digest;
  Members unplaced;
};

Lists GroupByList(const std::vector<LedgerRun>& runs) {
  Lists lists;
  for (const LedgerRun& r : runs) {
    if (r.end && !r.end->list.digest.empty()) {
      lists.by_digest[r.end->list.digest].push_back(&r);
    } else {
      lists.unplaced.push_back(&r);
    }
  }
  return lists;
}

const LedgerRun* FindShard(const Members& members, std::uint64_t k, std::uint64_t n) {
  for (const LedgerRun* r : members) {
    if (r->header.shard == k && r->header.shards == n) return r;
  }
  return nullptr;
}

// The list with the most runs split in `n` shards, other than `digest`.
const Members* BiggestOther(const Lists& lists, const std::string& digest, std::uint64_t n) {
  const Members* best = nullptr;
  for (const auto& [d, members] : lists.by_digest) {
    if (d == digest || members.front()->header.shards != n) continue;
    if (best == nullptr || members.size() > best->size()) best = &members;
  }
  return best;
}

// Two runs of one shard: both finished, or one of them cut short (which cannot say what list
// it read, but whose results would overlap all the same).
void CheckDoubles(const std::map<std::uint64_t, Members>& by_shard, const Members& unplaced,
                  LedgerFindings& v) {
  for (const auto& [k, rs] : by_shard) {
    if (const LedgerRun* cut = FindShard(unplaced, k, rs.front()->header.shards)) {
      v.contradictions.push_back(
          fmt::format("shard {}/{} is doubled: {} and {}, which did not finish", k,
                      cut->header.shards, rs.front()->where, cut->where));
    }
    if (rs.size() < 2) continue;
    const LedgerRun& a = *rs[0];
    const LedgerRun& b = *rs[1];
    v.contradictions.push_back(
        a.header.id == b.header.id
            ? (a.where == b.where
                   ? fmt::format("{} (shard {}/{}) is given twice", a.where, k, a.header.shards)
                   : fmt::format("{} and {} are the same run (shard {}/{}) given "
                                 "twice",
                                 a.where, b.where, k, a.header.shards))
            : fmt::format("shard {}/{} of {} is doubled: {} and {}", k, a.header.shards,
                          ListName(a), a.where, b.where));
  }
}

void CheckMissing(const std::string& digest, const Members& members, const Lists& lists,
                  const std::map<std::uint64_t, Members>& by_shard, LedgerFindings& v) {
  const LedgerRun& first = *members.front();
  const std::uint64_t n = first.header.shards;
  std::vector<std::uint64_t> missing;
  for (std::uint64_t k = 1; k <= n; ++k) {
    if (by_shard.count(k) == 0 && FindShard(lists.unplaced, k, n) == nullptr) missing.push_back(k);
  }
  if (missing.empty()) return;
  const Members* other = BiggestOther(lists, digest, n);
  const bool stray = other != nullptr && other->size() > members.size() &&
                     std::all_of(missing.begin(), missing.end(),
                                 [&](std::uint64_t k) { return FindShard(*other, k, n); });
  if (stray) {
    std::vector<std::uint64_t> mine;
    for (const LedgerRun* r : members) mine.push_back(r->header.shard);
    v.missing.push_back(
        fmt::format("{}: shard {}/{} is of another list ({}) than the other shards ({})",
                    first.where, ShardList(mine), n, ListBrief(first), ListBrief(*other->front())));
    return;
  }
  std::string others;  // where the slots are taken by shards of another list
  for (const auto& [d, runs] : lists.by_digest) {
    if (d == digest) continue;
    for (const std::uint64_t k : missing) {
      if (const LedgerRun* r = FindShard(runs, k, n)) {
        others += fmt::format("; {} holds shard {}/{} of another list ({})", r->where, k, n,
                              ListBrief(*r));
      }
    }
  }
  v.missing.push_back(fmt::format("shard{} {}/{} of {} {} missing{}",
                                  missing.size() == 1 ? "" : "s", ShardList(missing), n,
                                  ListName(first), missing.size() == 1 ? "is" : "are", others));
}

// Every URL line of the list in exactly one shard: the shards' URLs add up to the list's.
void CheckSum(const Members& members, LedgerFindings& v) {
  std::uint64_t urls = 0;
  std::set<std::string> versions;
  for (const LedgerRun* r : members) {
    urls += r->end->urls;
    versions.insert(r->header.version);
  }
  const LedgerRun& first = *members.front();
  if (urls == first.end->list.urls) return;
  v.contradictions.push_back(fmt::format(
      "the shards of {} hold {} URLs in all{}", ListName(first), urls,
      versions.size() > 1
          ? fmt::format(": fetchpool {} split it differently", fmt::join(versions, " and "))
          : std::string()));
}

void CheckList(const std::string& digest, const Members& members, const Lists& lists,
               LedgerFindings& v) {
  std::set<std::string> splits;
  for (const LedgerRun* r : members) {
    splits.insert(fmt::format("{}/{}", r->header.shard, r->header.shards));
  }
  std::set<std::uint64_t> counts;
  for (const LedgerRun* r : members) counts.insert(r->header.shards);
  if (counts.size() > 1) {
    v.contradictions.push_back(
        fmt::format("{} is split more than one way ({}): those shards overlap",
                    ListName(*members.front()), fmt::join(splits, ", ")));
    return;
  }
  std::map<std::uint64_t, Members> by_shard;
  for (const LedgerRun* r : members) by_shard[r->header.shard].push_back(r);
  CheckDoubles(by_shard, lists.unplaced, v);
  CheckMissing(digest, members, lists, by_shard, v);
  const std::uint64_t n = members.front()->header.shards;
  const bool whole = by_shard.size() == n && members.size() == n &&
                     std::all_of(members.begin(), members.end(),
                                 [](const LedgerRun* r) { return r->end->finished; });
  if (whole) CheckSum(members, v);
}

}  // namespace

LedgerRun& RunLedger::Begin(RunHeader header, std::string where) {
  runs_.push_back({.where = std::move(where), .header = std::move(header)});
  open_ = true;
  return runs_.back();
}

void RunLedger::Orphan(const std::string& where) {
  if (orphans_++ == 0) first_orphan_ = where;
}

void RunLedger::Append(const RunLedger& other) {
  runs_.insert(runs_.end(), other.runs_.begin(), other.runs_.end());
  if (orphans_ == 0) first_orphan_ = other.first_orphan_;
  orphans_ += other.orphans_;
  open_ = false;
}

LedgerFindings RunLedger::Check(bool counts) const {
  LedgerFindings v;
  if (orphans_ > 0) {
    v.missing.push_back(fmt::format(
        "{}: {} result{} with no run record (written by an older fetchpool?): nothing tells "
        "whether they are a whole list",
        first_orphan_, orphans_, orphans_ == 1 ? "" : "s"));
  }
  if (runs_.empty() && orphans_ == 0)
    v.missing.emplace_back("no fetchpool JSON Lines runs in the input");
  for (const LedgerRun& r : runs_) CheckRun(r, counts, v);
  const Lists lists = GroupByList(runs_);
  for (const auto& [digest, members] : lists.by_digest) CheckList(digest, members, lists, v);
  return v;
}

double RunLedger::ElapsedS() const {
  std::int64_t first = 0;
  std::int64_t last = 0;
  double longest = 0;
  bool timed = false;
  for (const LedgerRun& r : runs_) {
    if (!r.summary) continue;
    longest = std::max(longest, r.summary->elapsed_s);
    if (r.header.started_ms <= 0) continue;
    const auto end = r.header.started_ms + static_cast<std::int64_t>(r.summary->elapsed_s * 1000);
    first = timed ? std::min(first, r.header.started_ms) : r.header.started_ms;
    last = timed ? std::max(last, end) : end;
    timed = true;
  }
  return timed ? std::max(longest, static_cast<double>(last - first) / 1000.0) : longest;
}

bool RunLedger::AnyState() const {
  return std::any_of(runs_.begin(), runs_.end(), [](const LedgerRun& r) { return r.header.state; });
}

bool RunLedger::AnyEachAddress() const {
  return std::any_of(runs_.begin(), runs_.end(),
                     [](const LedgerRun& r) { return r.summary && r.summary->show_urls; });
}

std::vector<std::string> RunLedger::BudgetBreaches() const {
  std::vector<std::string> breaches;
  for (const LedgerRun& r : runs_) {
    if (!r.summary) continue;
    if (const std::string breach = BudgetBreach(*r.summary); !breach.empty()) {
      breaches.push_back(fmt::format("{}: {}", Who(r), breach));
    }
  }
  return breaches;
}

std::vector<std::string> RunLedger::Files() const {
  std::vector<std::string> files;
  for (const LedgerRun& r : runs_) {
    for (const std::string& f : r.header.files) {
      if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
    }
  }
  return files;
}

int RunLedger::Workers() const {
  int workers = 0;
  for (const LedgerRun& r : runs_) workers += std::max(0, r.header.workers);
  return workers;
}

std::int64_t RunLedger::StartedMs() const {
  std::int64_t first = 0;
  for (const LedgerRun& r : runs_) {
    if (r.header.started_ms > 0 && (first == 0 || r.header.started_ms < first)) {
      first = r.header.started_ms;
    }
  }
  return first;
}

ListIdentity RunLedger::List() const {
  const Lists lists = GroupByList(runs_);
  if (lists.by_digest.size() == 1) return lists.by_digest.begin()->second.front()->end->list;
  ListDigest digest;  // of the lists' digests, in order
  std::uint64_t urls = 0;
  for (const auto& [d, members] : lists.by_digest) {
    digest.Add(d);
    urls += members.front()->end->list.urls;
  }
  ListIdentity merged = digest.Finish();
  merged.urls = urls;
  return merged;
}

}  // namespace fetchpool
