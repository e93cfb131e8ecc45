#pragma once

#include <memory>
#include <stop_token>

#include "fetchpool/core/fetch_options.hpp"
#include "fetchpool/core/job.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/core/retry_policy.hpp"
#include "fetchpool/core/verdict_options.hpp"
#include "fetchpool/http/curl_fetcher.hpp"
#include "fetchpool/verdict/verdict.hpp"

namespace fetchpool {

// Fetches whole documents for the reader (--sitemap URLs) with the run's own options: headers,
// credentials, TLS, proxy, timeouts, and --retries with the run's backoff; the run's verdict
// (--accept) decides whether a document arrived. Its CurlFetcher is made on first use, on the
// calling thread, and never saves bodies (-o is for the checked URLs).
// Thread-compatible: one thread (the reader) at a time; `stop` may come from any thread.
class DocumentFetcher {
 public:
  // `verdict` must outlive the fetcher; `per_host` as the workers' judge has it.
  DocumentFetcher(const FetchOptions& options, const VerdictOptions& verdict,
                  const CurlFetcher::Shared& shared, const RetryOptions& retry,
                  std::stop_token stop, Judge::PerHost per_host = {});
  ~DocumentFetcher();
  DocumentFetcher(const DocumentFetcher&) = delete;
  DocumentFetcher& operator=(const DocumentFetcher&) = delete;

  // The body goes to `fd` (emptied before each attempt); the Result says how the last went.
  Result Fetch(const Job& job, int fd);

 private:
  FetchOptions options_;
  Judge judge_;
  CurlFetcher::Shared shared_;
  RetryOptions retry_;
  std::stop_token stop_;
  std::unique_ptr<CurlFetcher> fetcher_;
};

}  // namespace fetchpool
