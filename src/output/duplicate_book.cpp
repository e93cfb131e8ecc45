#include "fetchpool/output/duplicate_book.hpp"

namespace fetchpool {

void DuplicateBook::Copy(const FirstOutcome& from, std::uint64_t seq, Result& to) {
  to.duplicate_of =
      Duplicate{.seq = seq, .input = from.input, .line = from.line, .column = from.column};
  to.verdict.ok = from.ok;
  to.verdict.warning = from.warning;
  to.verdict.error_kind = from.error_kind;
  to.verdict.error = from.error;
  to.transfer.http_status = from.http_status;
  to.transfer.bytes = from.bytes;
  to.state.fail_runs = from.fail_runs;
  to.state.failing_since_ms = from.failing_since_ms;
  to.transfer.attempts = 0;
  to.transfer.elapsed = std::chrono::microseconds(0);
}

namespace {

int Badness(bool ok, bool warning) { return ok ? 0 : warning ? 1 : 2; }

}  // namespace

DuplicateBook::FirstOutcome DuplicateBook::OutcomeOf(const Result& first) {
  return FirstOutcome{.input = first.origin.input,
                      .line = first.origin.line,
                      .column = first.origin.column,
                      .error_kind = first.verdict.error_kind,
                      .ok = first.verdict.ok,
                      .warning = first.verdict.warning,
                      .http_status = first.transfer.http_status,
                      .bytes = first.transfer.bytes,
                      .fail_runs = first.state.fail_runs,
                      .failing_since_ms = first.state.failing_since_ms,
                      .error = first.verdict.ok ? std::string() : first.verdict.error};
}

bool DuplicateBook::Gather(const Result& first, FirstOutcome& outcome) {
  Gathering& g = gathering_[first.origin.seq];
  if (g.seen == 0 || Badness(outcome.ok, outcome.warning) > Badness(g.worst.ok, g.worst.warning)) {
    g.worst = std::move(outcome);
  }
  if (++g.seen < first.origin.address_count) return false;
  outcome = std::move(g.worst);
  gathering_.erase(first.origin.seq);
  return true;
}

void DuplicateBook::First(const Result& first, std::vector<Result>& ready) {
  FirstOutcome v = OutcomeOf(first);
  if (first.origin.address_count > 1 && !Gather(first, v)) return;
  const auto [begin, end] = waiting_.equal_range(first.origin.seq);
  for (auto it = begin; it != end; ++it) {
    Copy(v, first.origin.seq, it->second);
    ready.push_back(std::move(it->second));
  }
  waiting_.erase(begin, end);
  firsts_.insert_or_assign(first.origin.seq, std::move(v));
}

bool DuplicateBook::Complete(Result& duplicate) {
  const std::uint64_t seq = duplicate.duplicate_of->seq;
  if (const auto it = firsts_.find(seq); it != firsts_.end()) {
    Copy(it->second, seq, duplicate);
    return true;
  }
  waiting_.emplace(seq, std::move(duplicate));
  return false;
}

std::size_t DuplicateBook::DropWaiting() {
  const std::size_t n = waiting_.size();
  waiting_.clear();
  gathering_.clear();
  return n;
}

}  // namespace fetchpool
