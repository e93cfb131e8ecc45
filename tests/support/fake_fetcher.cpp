#include "support/fake_fetcher.hpp"

#include <algorithm>
#include <chrono>
#include <string_view>

#include "fetchpool/util/mutex_lock.hpp"
#include "fetchpool/util/stop_wait.hpp"

namespace fetchpool::testing {
namespace {

class FakeFetcher final : public Fetcher {
 public:
  FakeFetcher(FakeNetwork& network, std::stop_token stop)
      : network_(network), stop_(std::move(stop)) {}
  void Fetch(const Job& job, Method, TransferFacts& facts, Saved&) override {
    network_.Answer(job, stop_, facts);
  }
  std::vector<std::string> Addresses(const Job& job, TransferFacts& facts) override {
    return FakeNetwork::Addresses(job, facts);
  }

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

FetcherFactory FakeNetwork::Factory() {
  return [this](std::stop_token stop) -> std::unique_ptr<Fetcher> {
    fetchers_.fetch_add(1);
    return std::make_unique<FakeFetcher>(*this, std::move(stop));
  };
}

void FakeNetwork::Release() {
  {
    MutexLock lock(mutex_);
    released_ = true;
  }
  released_cv_.NotifyAll();
}

std::vector<std::string> FakeNetwork::Addresses(const Job& job, TransferFacts& facts) {
  const std::string_view url = job.origin.url;
  if (url.starts_with("http://multi")) return {"10.0.0.1", "10.0.0.2", "fd00::3"};
  if (url.starts_with("http://nxdomain")) {
    facts.failure = ErrorKind::kResolve;
    facts.failure_detail = "could not resolve host: nxdomain";
  }
  return {};
}

void FakeNetwork::Answer(const Job& job, const std::stop_token& stop, TransferFacts& facts) {
  fetches_.fetch_add(1);
  const int now = in_flight_.fetch_add(1) + 1;
  int peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
  const std::string_view url = job.origin.url;
  bool aborted = false;
  if (url.find("/slow/") != std::string_view::npos) {
    const auto took = std::chrono::milliseconds(Number(url, "/slow/"));
    aborted = !SleepUnlessStopped(std::chrono::steady_clock::now() + took, stop);
    facts.took = took;
  } else if (url.find("/block") != std::string_view::npos) {
    StopWait wait(stop, released_cv_);
    MutexLock lock(mutex_);
    while (!released_ && wait.Wait(mutex_)) {
    }
    aborted = stop.stop_requested() || !released_;
  }
  in_flight_.fetch_sub(1);
  if (job.origin.address == "10.0.0.2") {  // the address that refuses
    facts.failure = ErrorKind::kConnect;
    facts.failure_detail = "connection refused";
  } else if (aborted) {
    facts.failure = ErrorKind::kAborted;
    facts.failure_detail = "aborted";
  } else if (url.find("/fail") != std::string_view::npos) {
    facts.http_status = 404;
  } else if (url.find("/status/") != std::string_view::npos) {
    facts.http_status = static_cast<long>(Number(url, "/status/"));
  } else if (url.find("/flaky/") != std::string_view::npos &&
             static_cast<std::uint64_t>(job.progress.attempts) < Number(url, "/flaky/")) {
    facts.http_status = 503;
    facts.retry_after = std::chrono::seconds(Number(url, "retry-after="));
  } else {
    facts.http_status = 200;
    facts.bytes = kFakeBody.size();
    BodyChecker checker;  // as the real fetcher streams a body through its checker
    checker.Reset(job.checks.expect.get());
    checker.Consume(kFakeBody);
    checker.Observe(facts.body);
  }
}

}  // namespace fetchpool::testing
