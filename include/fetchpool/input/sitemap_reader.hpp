#pragma once

#include <string>
#include <vector>

#include "fetchpool/input/job_gate.hpp"
#include "fetchpool/input/read_target.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// Index levels followed at most; deeper sitemaps are reported, not read.
inline constexpr int kMaxSitemapDepth = 5;

struct SitemapRead {
  JobGate& gate;
  const ReadTarget& target;
  int wake_fd = -1;  // StopWakeup's: a stop ends a wait for input
};

// --sitemap: reads each sitemap (a file, "-" for stdin, or an http(s) URL) and offers a job per
// <url><loc>, its origin the sitemap and the <loc>'s line. A <sitemapindex>'s children are read
// in place, depth first: URLs are fetched with target.fetch_sitemap into an unlinked temporary
// file, and in a local index a child that is no URL is a file next to it. A sitemap fetched
// over HTTP gives a result of its own (the fetch, failed if the body is no sitemap); a child
// that cannot be read fails at its <loc>; a child that is already being read (a loop of indexes)
// is a warning there and is not read again; a sitemap listed twice is read once.
// Returns false once no more input is wanted; `error` is set when a sitemap named on the command
// line as a file cannot be read.
// Thread-compatible: the reader thread's.
bool ReadSitemaps(const std::vector<std::string>& sitemaps, const SitemapRead& read, Status& error);

}  // namespace fetchpool
