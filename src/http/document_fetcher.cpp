#include "fetchpool/http/document_fetcher.hpp"

#include <unistd.h>

#include <random>

#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool {

DocumentFetcher::DocumentFetcher(const FetchOptions& options, const VerdictOptions& verdict,
                                 const CurlFetcher::Shared& shared, const RetryOptions& retry,
                                 std::stop_token stop, Judge::PerHost per_host)
    : options_(options),
      judge_(verdict, std::move(per_host)),
      shared_(shared),
      retry_(retry),
      stop_(std::move(stop)) {
  shared_.output_dir = nullptr;
  options_.head = false;
}

DocumentFetcher::~DocumentFetcher() = default;

Result DocumentFetcher::Fetch(const Job& original, int fd) {
  if (!fetcher_) {
    fetcher_ = std::make_unique<CurlFetcher>(options_, /*collect_details=*/false, shared_, stop_);
  }
  Job job;
  job.origin = original.origin;
  job.target = original.target;
  std::mt19937_64 random(std::random_device{}());
  for (;;) {
    Result result = MakeResult(job);
    if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
      result.transfer.failure = ErrorKind::kOther;
      result.transfer.failure_detail = "cannot empty the temporary file for the sitemap";
      judge_.Decide(job, result);
      return result;
    }
    fetcher_->FetchInto(job, fd, result.transfer);
    judge_.Decide(job, result);
    if (job.progress.first_start == std::chrono::steady_clock::time_point{}) {
      job.progress.first_start =
          std::chrono::steady_clock::now() -
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(result.transfer.elapsed);
    }
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random);
    const std::optional<std::chrono::milliseconds> delay =
        result.verdict.ok ? std::nullopt : RetryDelay(retry_, result, unit);
    if (!delay || !SleepUnlessStopped(std::chrono::steady_clock::now() + *delay, stop_)) {
      return result;
    }
    job.progress.attempts = result.transfer.attempts;
  }
}

}  // namespace fetchpool
