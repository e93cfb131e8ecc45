#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/input_options.hpp"
#include "fetchpool/core/job.hpp"
#include "fetchpool/input/list_digest.hpp"
#include "fetchpool/util/line_cutter.hpp"
#include "fetchpool/util/reorder_window.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// Returns an empty string when `url` is an absolute http(s) URL with a host that libcurl's
// curl_url parser accepts, and fills in `target`'s host facts (its key, port, whether it is an
// IP address); otherwise the reason, e.g. "unsupported scheme 'ftp'".
std::string ValidateUrl(const std::string& url, Target& target);

// One input line (without its '\n') to a Job in two steps: the line's URL and per-line checks,
// then the URL's validation (and its host facts). SplitLine strips surrounding whitespace and a
// trailing '\r', and gives nullopt for blank and '#' lines. An invalid line is a job with
// Target::invalid set, so every URL in the input is reported exactly once. ValidateJob does
// nothing to a job it has already seen.
std::optional<Job> SplitLine(std::string_view line);
void ValidateJob(Job& job);

// The URL a line's job carries, which --shard hashes: the line's first word, or for a line over
// kMaxLineBytes (refused whole, as a failed job) its kept prefix, trimmed, and "...". nullopt for
// a blank line or a comment, which make no job. The progress line's counter uses it too, so its
// total counts what the reader submits.
std::optional<std::string> UrlOfLine(const LineCutter::Line& line);

// Checks up front that every input can be opened for reading (not a directory).
Status CheckInputsReadable(const std::vector<std::string>& inputs);

struct ReadOutcome {
  Status error;            // ok, or why reading stopped short
  std::uint64_t urls = 0;  // jobs submitted
  ListIdentity list;       // of every input line, every shard's; no digest unless read to the end
};

// Where the reader hands jobs: `submit` blocks while the pipeline is full (back-pressure) and
// returns false once no more input is wanted. With --ordered, a `window` slot is taken first.
// Jobs arrive as SplitLine leaves them, and `submit` calls ValidateJob on those it does not
// answer otherwise (--state answers a cached URL without parsing it again).
struct ReadTarget {
  std::function<bool(Job)> submit;
  ReorderWindow* window = nullptr;
};

// Reads the inputs in order ("-" is stdin), submitting one Job per URL line of this shard.
// Each job's `input` views its name in `input.files`, so `input` must outlive the jobs.
// Returns promptly once `stop` is requested, even while waiting for input on a terminal or
// pipe.
// Thread-compatible: run it on one thread (the reader).
ReadOutcome ReadUrls(const InputOptions& input, const ReadTarget& target,
                     const std::stop_token& stop);

}  // namespace fetchpool
