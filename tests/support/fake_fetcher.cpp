#include "support/fake_fetcher.hpp"

#include <algorithm>
#include <chrono>
#include <string_view>

#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool::testing {
namespace {

class FakeFetcher final : public Fetcher {
 public:
  FakeFetcher(FakeNetwork& network, std::stop_token stop)
      : network_(network), stop_(std::move(stop)) {}
  Result Fetch(const Job& job, Method) override;

 private:
  FakeNetwork& network_;
  std::stop_token stop_;
};

std::uint64_t Number(std::string_view url, std::string_view prefix) {
  const auto at = url.find(prefix);
  return at == std::string_view::npos ? 0
                                      : std::stoull(std::string(url.substr(at + prefix.size())));
}

}  // namespace

Result FakeFetcher::Fetch(const Job& job, Method) { return network_.Answer(job, stop_); }

FetcherFactory FakeNetwork::Factory() {
  return [this](std::stop_token stop) -> std::unique_ptr<Fetcher> {
    fetchers_.fetch_add(1);
    return std::make_unique<FakeFetcher>(*this, std::move(stop));
  };
}

void FakeNetwork::Release() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  released_cv_.notify_all();
}

Result FakeNetwork::Answer(const Job& job, const std::stop_token& stop) {
  Result r;
  r.origin.seq = job.origin.seq;
  r.origin.line = job.origin.line;
  r.origin.url = job.origin.url;
  r.transfer.attempts = job.progress.attempts + 1;
  if (!job.target.invalid.empty()) {
    r.verdict.error_kind = ErrorKind::kInvalidUrl;
    r.verdict.error = job.target.invalid;
    return r;
  }
  fetches_.fetch_add(1);
  const int now = in_flight_.fetch_add(1) + 1;
  int peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
  const std::string_view url = job.origin.url;
  bool aborted = false;
  if (url.find("/slow/") != std::string_view::npos) {
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(Number(url, "/slow/"));
    aborted = !SleepUnlessStopped(until, stop);
  } else if (url.find("/block") != std::string_view::npos) {
    std::unique_lock lock(mutex_);
    aborted = !WaitUnlessStopped(lock, released_cv_, stop, std::nullopt, [&] { return released_; });
  }
  in_flight_.fetch_sub(1);
  if (aborted) {
    r.verdict.error_kind = ErrorKind::kAborted;
    r.verdict.error = "aborted";
  } else if (url.find("/fail") != std::string_view::npos) {
    r.transfer.http_status = 404;
    r.verdict.error_kind = ErrorKind::kHttpStatus;
    r.verdict.error = "HTTP 404";
  } else if (url.find("/flaky/") != std::string_view::npos &&
             static_cast<std::uint64_t>(job.progress.attempts) < Number(url, "/flaky/")) {
    r.transfer.http_status = 503;
    r.verdict.error_kind = ErrorKind::kHttpStatus;
    r.verdict.error = "HTTP 503";
    r.transfer.retry_after = std::chrono::seconds(0);
  } else {
    r.transfer.http_status = 200;
    r.verdict.ok = true;
    r.transfer.bytes = 100;
  }
  return r;
}

}  // namespace fetchpool::testing
