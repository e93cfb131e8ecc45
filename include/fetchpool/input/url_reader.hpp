#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/core/input_options.hpp"
#include "fetchpool/core/job.hpp"
#include "fetchpool/input/list_digest.hpp"
#include "fetchpool/input/read_target.hpp"
#include "fetchpool/util/line_cutter.hpp"
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
// A job's URL as the input gives it: with a password or token in it, Origin::url is redacted
// (what every output sees) and Target::fetch_url keeps the URL to request.
void SetJobUrl(Job& job, std::string_view url);
void ValidateJob(Job& job);

// The URL a line's job carries, which --shard hashes: the line's first word, or for a line over
// kMaxLineBytes (refused whole, as a failed job) its kept prefix, trimmed, and "...". nullopt for
// a blank line or a comment, which make no job. The progress line's counter uses it too, so its
// total counts what the reader submits.
std::optional<std::string> UrlOfLine(const LineCutter::Line& line);

// Checks up front that every input can be opened for reading (not a directory).
Status CheckInputsReadable(const std::vector<std::string>& inputs);

// The input files ReadUrls reads, in order: views of `input.files`, or of kStdinName when there
// are neither files nor sitemaps. Jobs keep these views, so they live as long as `input`.
std::vector<std::string_view> InputFiles(const InputOptions& input);

struct ReadOutcome {
  Status error;            // ok, or why reading stopped short
  std::uint64_t urls = 0;  // jobs submitted and results delivered
  // The origins' names, when the target brought no OriginNames: jobs view them.
  std::unique_ptr<OriginNames> names;
  // Of every line of the input files, every shard's (not the sitemaps' URLs); no digest unless
  // read to the end.
  ListIdentity list;
};

// Reads the inputs in order ("-" is stdin), then the sitemaps, submitting one Job per URL of
// this shard: per line, or per URL found in a line in the text modes (InputMode). Each job's
// `input` views its name in `input.files` or in the origin names, so both must outlive the jobs.
// Returns promptly once `stop` is requested, even while waiting for input on a terminal or
// pipe.
// Thread-compatible: run it on one thread (the reader).
ReadOutcome ReadUrls(const InputOptions& input, const ReadTarget& target,
                     const std::stop_token& stop);

}  // namespace fetchpool
