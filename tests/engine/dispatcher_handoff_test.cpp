// Dispatcher::FinishAndTake: a busy worker reports and takes its next job in one call.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "fetchpool/engine/dispatcher.hpp"
#include "support/dispatcher_jobs.hpp"
#include "support/manual_clock.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using namespace dispatch_test;  // NOLINT(google-build-using-namespace): the shared test helpers

TEST(DispatcherHandoffTest, ReportsAndTakesTheNextJobInOneCall) {
  std::stop_source stop;
  testing::ManualClock clock;
  Dispatcher d(Options(), DispatchCapacity{}, stop.get_token(), nullptr, clock);
  for (std::uint64_t i = 0; i < 3; ++i) d.Submit(MakeJob(i, "http://h/" + std::to_string(i)));
  d.CloseInput();
  std::optional<Task> task = d.Next(-1);
  ASSERT_TRUE(task);
  std::vector<std::uint64_t> order{task->job.origin.seq};
  std::vector<std::uint64_t> reported;
  for (;;) {
    Result r = Ok(*task);
    std::optional<Result> done;
    task = d.FinishAndTake(*std::move(task), std::move(r), done, -1);
    ASSERT_TRUE(done) << "every job's result comes back with the call";
    reported.push_back(done->origin.seq);
    if (!task) break;
    order.push_back(task->job.origin.seq);
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(reported, order);
  EXPECT_FALSE(d.Next(-1)) << "nothing left: the run is over";
}

TEST(DispatcherHandoffTest, ARetryIsKeptAndAnotherJobTakenMeanwhile) {
  std::stop_source stop;
  testing::ManualClock clock;
  Dispatcher d(Options(/*retries=*/1), DispatchCapacity{}, stop.get_token(), nullptr, clock);
  d.Submit(MakeJob(0, "http://flaky/"));
  d.Submit(MakeJob(1, "http://other/"));
  d.CloseInput();
  std::optional<Task> flaky = d.Next(-1);
  ASSERT_TRUE(flaky);
  ASSERT_EQ(flaky->job.origin.seq, 0u);
  Result failed = Transient(*flaky, 1s);  // not due before the other job is taken
  std::optional<Result> done;
  std::optional<Task> next = d.FinishAndTake(*std::move(flaky), std::move(failed), done, -1);
  EXPECT_FALSE(done) << "kept for its retry";
  ASSERT_TRUE(next);
  EXPECT_EQ(next->job.origin.seq, 1u);
  Result ok = Ok(*next);
  std::optional<Task> retry = d.FinishAndTake(*std::move(next), std::move(ok), done, -1);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->origin.seq, 1u);
  EXPECT_FALSE(retry) << "the retry is not due yet";
  clock.Advance(1s);  // its time has come
  retry = d.Next(-1);
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->job.origin.seq, 0u);
  EXPECT_EQ(retry->job.progress.attempts, 1);
}

TEST(DispatcherHandoffTest, NothingIsTakenOnceMaxFailuresIsReached) {
  std::stop_source stop;
  testing::ManualClock clock;
  Dispatcher d(Options(/*retries=*/0, /*per_host=*/0, /*max_failures=*/1), DispatchCapacity{},
               stop.get_token(), nullptr, clock);
  d.Submit(MakeJob(0, "http://h/a"));
  d.Submit(MakeJob(1, "http://h/b"));
  std::optional<Task> task = d.Next(-1);
  ASSERT_TRUE(task);
  Result bad = Answered(*task, 500);
  std::optional<Result> done;
  EXPECT_FALSE(d.FinishAndTake(*std::move(task), std::move(bad), done, -1));
  ASSERT_TRUE(done);
  EXPECT_FALSE(done->verdict.ok);
  EXPECT_TRUE(d.stopped_early());
  EXPECT_FALSE(d.Next(-1));
}

// Workers that report through FinishAndTake and wait in Next only when it hands nothing: every
// job runs once, none at once with another of its host beyond --per-host, and the run ends
// (a lost wake-up would hang here).
TEST(DispatcherHandoffTest, WorkersUsingItRunEveryJobOnceAndFinish) {
  std::stop_source stop;
  testing::ManualClock clock;
  Dispatcher d(Options(/*retries=*/0, /*per_host=*/2), DispatchCapacity::ForWorkers(6),
               stop.get_token(), nullptr, clock);
  constexpr std::uint64_t kJobs = 3000;
  std::mutex mutex;
  std::multiset<std::uint64_t> seen;
  std::atomic<int> running_on_h0{0};
  std::atomic<bool> over_limit{false};
  std::vector<std::jthread> workers;
  for (int w = 0; w < 6; ++w) {
    workers.emplace_back([&] {
      std::optional<Task> task = d.Next(-1);
      while (task) {
        const bool h0 = task->job.target.host == "h0";
        if (h0 && running_on_h0.fetch_add(1) + 1 > 2) over_limit = true;
        std::this_thread::yield();
        if (h0) running_on_h0.fetch_sub(1);
        Result r = Ok(*task);
        std::optional<Result> done;
        std::optional<Task> next = d.FinishAndTake(*std::move(task), std::move(r), done, -1);
        if (done) {
          std::lock_guard lock(mutex);
          seen.insert(done->origin.seq);
        }
        task = next ? std::move(next) : d.Next(-1);
      }
    });
  }
  for (std::uint64_t i = 0; i < kJobs; ++i) {
    ASSERT_TRUE(d.Submit(MakeJob(i, "http://h" + std::to_string(i % 3) + "/" + std::to_string(i))));
  }
  d.CloseInput();
  workers.clear();  // joins
  EXPECT_EQ(seen.size(), kJobs);
  for (std::uint64_t i = 0; i < kJobs; ++i) EXPECT_EQ(seen.count(i), 1u) << i;
  EXPECT_FALSE(over_limit) << "--per-host 2 held";
}

}  // namespace
}  // namespace fetchpool
