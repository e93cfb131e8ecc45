#include "fetchpool/input/job_gate.hpp"

namespace fetchpool {

bool InputTakes(const InputOptions& input, const UrlKeySet* baseline, std::string_view url) {
  if (input.shard && !input.shard->Takes(url)) return false;
  return !(input.baseline_skip && baseline != nullptr && baseline->Contains(url));
}

JobGate::JobGate(const InputOptions& input, const ReadTarget& target, std::stop_token stop)
    : input_(input), target_(target), stop_(std::move(stop)) {
  if (input.dedup) first_.emplace();
}

bool JobGate::TakeSeq(std::uint64_t& seq) {
  if (target_.window != nullptr && !target_.window->Acquire(stop_)) return false;
  seq = seq_++;
  return true;
}

bool JobGate::Offer(Job job) {
  if (input_.shard && !input_.shard->Takes(job.origin.url)) return true;
  // The URL as requested: a redacted one would miss its baseline entry or share another's fetch.
  const std::string_view url =
      job.target.fetch_url.empty() ? std::string_view(job.origin.url) : job.target.fetch_url;
  if (target_.baseline != nullptr && target_.baseline->Contains(url)) {
    if (input_.baseline_skip) return true;
    job.origin.in_baseline = true;
  }
  // A job refused whole (an overlong line, bad checks) is no URL to share a fetch with.
  std::optional<std::uint64_t> first;
  if (first_ && job.target.invalid.empty() && target_.deliver) {
    first = first_->Offer(url, job.checks.digest, seq_);
  }
  if (!TakeSeq(job.origin.seq)) return false;
  if (!first) return target_.submit(std::move(job));
  Result duplicate = MakeResult(std::move(job));
  duplicate.duplicate_of = Duplicate{.seq = *first};
  return target_.deliver(std::move(duplicate));
}

bool JobGate::Deliver(Result result) {
  if (!target_.deliver) return true;
  if (!TakeSeq(result.origin.seq)) return false;
  return target_.deliver(std::move(result));
}

}  // namespace fetchpool
