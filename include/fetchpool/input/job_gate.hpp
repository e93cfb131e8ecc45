#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string_view>

#include "fetchpool/core/input_options.hpp"
#include "fetchpool/input/read_target.hpp"
#include "fetchpool/input/url_keys.hpp"

namespace fetchpool {

// Whether this process reads `url` at all: it is in its --shard and not skipped by
// --baseline-skip. The reader and the progress counter both ask it.
bool InputTakes(const InputOptions& input, const UrlKeySet* baseline, std::string_view url);

// The one way out of the reader, whatever the source (lines, text, sitemaps): --shard,
// --baseline-skip, the --baseline mark, --dedup, the --ordered window, the seq, the target.
// Thread-compatible: the reader's.
class JobGate {
 public:
  JobGate(const InputOptions& input, const ReadTarget& target, std::stop_token stop);

  // False once no more input is wanted.
  bool Offer(Job job);
  // A result the reader made itself (a sitemap's own fetch). False once no more is wanted.
  bool Deliver(Result result);

  std::uint64_t submitted() const { return seq_; }
  const std::stop_token& stop() const { return stop_; }

 private:
  bool TakeSeq(std::uint64_t& seq);

  const InputOptions& input_;
  const ReadTarget& target_;
  std::stop_token stop_;
  std::uint64_t seq_ = 0;
  std::optional<FirstSeen> first_;  // --dedup
};

}  // namespace fetchpool
