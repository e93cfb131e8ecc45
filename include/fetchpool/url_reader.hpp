#pragma once

#include <cstddef>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/bounded_queue.hpp"
#include "fetchpool/job.hpp"
#include "fetchpool/reorder_window.hpp"
#include "fetchpool/shard.hpp"

namespace fetchpool {

// Longest input line accepted; longer ones become a failed "line too long" job, so a hostile
// input cannot make a single line (or the bounded queue of them) take unbounded memory.
inline constexpr std::size_t kMaxLineBytes = std::size_t{64} * 1024;

// Returns an empty string when `url` is an absolute http(s) URL with a host that libcurl's
// curl_url parser accepts; otherwise the reason, e.g. "unsupported scheme 'ftp'".
std::string ValidateUrl(std::string_view url);

// Turns one input line (without its '\n') into a Job, or nullopt for blank and '#' lines.
// Strips surrounding whitespace and a trailing '\r'. Invalid lines come back as jobs with
// `invalid` set, so every URL in the input is reported exactly once.
std::optional<Job> ParseLine(std::string_view line);

// Checks up front that every input can be opened for reading (not a directory). Returns the
// first problem as a one-line message, or an empty string.
std::string CheckInputsReadable(const std::vector<std::string>& inputs);

struct ReadOutcome {
  std::string error;       // empty, or a one-line message on read failure
  std::uint64_t urls = 0;  // jobs pushed
};

// What the reader hands on besides the queue: the --ordered window and the --shard filter.
struct ReadOptions {
  ReorderWindow* window = nullptr;  // when set, take a slot before each job
  std::optional<Shard> shard;       // when set, skip URLs of other shards
};

// Reads the inputs in order ("-" is stdin), pushing one Job per URL line into `jobs`. Blocks on
// a full queue (back-pressure), and on a full window when one is given (--ordered), and returns
// promptly once `stop` is requested, even while waiting for input on a terminal or pipe.
// Thread-compatible: run it on one thread (the reader).
ReadOutcome ReadUrls(const std::vector<std::string>& inputs, BoundedQueue<Job>& jobs,
                     const std::stop_token& stop, const ReadOptions& options = {});

}  // namespace fetchpool
