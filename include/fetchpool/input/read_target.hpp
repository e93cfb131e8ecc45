#pragma once

#include <functional>

#include "fetchpool/core/job.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/input/origin_names.hpp"
#include "fetchpool/input/url_keys.hpp"
#include "fetchpool/util/reorder_window.hpp"

namespace fetchpool {

// Fetches a sitemap for the reader: one GET of job.origin.url with the run's options (headers, TLS,
// proxy, timeouts), its body written to `fd`. Expected failures are values in the Result.
using SitemapFetch = std::function<Result(const Job& job, int fd)>;

// Where the reader hands jobs: `submit` blocks while the pipeline is full (back-pressure) and
// returns false once no more input is wanted. With --ordered, a `window` slot is taken first.
// Jobs arrive unvalidated, and `submit` calls ValidateJob on those it does not answer otherwise
// (--state answers a cached URL without parsing it again).
struct ReadTarget {
  std::function<bool(Job)> submit;
  // Results the reader makes itself, for the printer: a --dedup duplicate (its verdict is the
  // first's, filled in by the printer) and a fetched sitemap's own outcome. Blocks like
  // `submit`. Unset: duplicates are submitted as jobs and sitemaps' outcomes are dropped.
  std::function<bool(Result)> deliver;
  ReorderWindow* window = nullptr;
  // Where origins' file names are kept (--input grep|diff, sitemaps); unset: ReadUrls keeps
  // them itself, in its outcome.
  OriginNames* names = nullptr;
  const UrlKeySet* baseline = nullptr;  // --baseline, loaded by LoadBaseline
  SitemapFetch fetch_sitemap;           // --sitemap URL; unset: a sitemap URL fails to load
};

}  // namespace fetchpool
