#include "fetchpool/engine/dispatcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "support/dispatcher_jobs.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using namespace dispatch_test;  // NOLINT(google-build-using-namespace): the shared test helpers
using Clock = std::chrono::steady_clock;

TEST(DispatcherTest, HandsOutEveryJobThenEnds) {
  std::stop_source stop;
  Dispatcher d(Options(), DispatchCapacity{}, stop.get_token());
  for (std::uint64_t i = 0; i < 5; ++i) d.Submit(MakeJob(i, "http://h/" + std::to_string(i)));
  d.CloseInput();
  std::set<std::uint64_t> seen;
  while (std::optional<Task> task = d.Next()) {
    seen.insert(task->job.origin.seq);
    std::optional<Result> r = Report(d, task, Ok);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->verdict.ok);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_FALSE(d.stopped_early());
}

TEST(DispatcherTest, ARetryWaitingDoesNotHoldBackOtherJobs) {
  std::stop_source stop;
  Dispatcher d(Options(/*retries=*/1), DispatchCapacity{}, stop.get_token());
  d.Submit(MakeJob(0, "http://h/flaky"));
  // Other hosts: a 503 with Retry-After pauses its own host (see below).
  d.Submit(MakeJob(1, "http://h2/a"));
  d.Submit(MakeJob(2, "http://h3/b"));
  d.CloseInput();

  std::optional<Task> flaky = d.Next();
  ASSERT_TRUE(flaky);
  ASSERT_EQ(flaky->job.origin.seq, 0u);
  const Clock::time_point failed_at = Clock::now();
  EXPECT_FALSE(Report(d, flaky, [](const Task& t) { return Transient(t, 1s); }))
      << "kept for a retry";

  // The other jobs come at once, while the retry waits for its time.
  for (std::uint64_t want : {1u, 2u}) {
    std::optional<Task> task = d.Next();
    ASSERT_TRUE(task);
    EXPECT_EQ(task->job.origin.seq, want);
    EXPECT_LT(Clock::now() - failed_at, 900ms);
    ASSERT_TRUE(Report(d, task, Ok));
  }
  // Input is exhausted and nothing runs, but the retry is pending: Next waits for it.
  std::optional<Task> retry = d.Next();
  ASSERT_TRUE(retry);
  EXPECT_GE(Clock::now() - failed_at, 950ms) << "Retry-After: 1 honoured";
  EXPECT_EQ(retry->job.origin.seq, 0u);
  EXPECT_EQ(retry->job.progress.attempts, 1);
  ASSERT_TRUE(retry->last);
  EXPECT_EQ(retry->last->transfer.http_status, 503);

  std::optional<Result> final = Report(d, retry, Ok);
  ASSERT_TRUE(final);
  EXPECT_EQ(final->transfer.attempts, 2);
  EXPECT_FALSE(d.Next());
}

TEST(DispatcherTest, A429PausesItsHostButNotTheOthers) {
  std::stop_source stop;
  Dispatcher d(Options(/*retries=*/0), DispatchCapacity{}, stop.get_token());
  d.Submit(MakeJob(0, "http://h/throttled"));
  d.Submit(MakeJob(1, "http://h/next"));
  d.Submit(MakeJob(2, "http://other/a"));
  d.CloseInput();
  std::optional<Task> first = d.Next();
  ASSERT_TRUE(first);
  const Clock::time_point refused_at = Clock::now();
  std::optional<Result> failed = Report(d, first, [](const Task& t) {
    Result r = Answered(t, 429);
    r.transfer.retry_after = 1s;
    return r;
  });
  ASSERT_TRUE(failed) << "no retries left: reported";
  std::optional<Task> other = d.Next();
  ASSERT_TRUE(other);
  EXPECT_EQ(other->job.origin.seq, 2u) << "the paused host's URL waits, the other host's goes";
  EXPECT_LT(Clock::now() - refused_at, 900ms);
  ASSERT_TRUE(Report(d, other, Ok));
  std::optional<Task> next = d.Next();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->job.origin.seq, 1u);
  EXPECT_GE(Clock::now() - refused_at, 950ms) << "it waited for the pause";
  ASSERT_TRUE(Report(d, next, Ok));
  EXPECT_FALSE(d.Next());
}

TEST(DispatcherTest, GivesUpAfterTheLastRetry) {
  std::stop_source stop;
  Dispatcher d(Options(/*retries=*/2), DispatchCapacity{}, stop.get_token());
  d.Submit(MakeJob(0, "http://h/down"));
  d.CloseInput();
  int attempts = 0;
  std::optional<Result> final;
  while (std::optional<Task> task = d.Next()) {
    ++attempts;
    final = Report(d, task, [](const Task& t) { return Transient(t, 0s); });
  }
  EXPECT_EQ(attempts, 3);
  ASSERT_TRUE(final);
  EXPECT_EQ(final->transfer.attempts, 3);
  EXPECT_EQ(final->transfer.http_status, 503);
}

TEST(DispatcherTest, StopWakesAWaitingWorkerAndReportsThePendingRetry) {
  std::stop_source stop;
  Dispatcher d(Options(/*retries=*/3), DispatchCapacity{}, stop.get_token());
  d.Submit(MakeJob(0, "http://h/flaky"));
  d.CloseInput();
  std::optional<Task> task = d.Next();
  ASSERT_TRUE(task);
  ASSERT_FALSE(Report(d, task, [](const Task& t) { return Transient(t, 3600s); }));

  std::jthread stopper([&] {
    std::this_thread::sleep_for(30ms);
    stop.request_stop();
  });
  const Clock::time_point t0 = Clock::now();
  EXPECT_FALSE(d.Next());
  EXPECT_LT(Clock::now() - t0, 2s);
  std::optional<Result> last = d.TakeAbandoned();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->transfer.http_status, 503);
  EXPECT_FALSE(d.TakeAbandoned());
  // The input token is stopped by a stop callback too, and callbacks run one after another in
  // the stopping thread: this one may still be running when Next has already woken.
  stopper.join();
  EXPECT_TRUE(d.input_token().stop_requested());
}

TEST(DispatcherTest, ABusyHostDoesNotBlockOtherHosts) {
  std::stop_source stop;
  Dispatcher d(Options(0, /*per_host=*/1), DispatchCapacity{}, stop.get_token());
  d.Submit(MakeJob(0, "http://a/1"));
  d.Submit(MakeJob(1, "http://a/2"));
  d.Submit(MakeJob(2, "http://b/1"));
  d.CloseInput();

  std::optional<Task> a1 = d.Next();
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->job.target.host, "a");
  std::optional<Task> b1 = d.Next();
  ASSERT_TRUE(b1);
  EXPECT_EQ(b1->job.origin.seq, 2u) << "a/2 is parked while a is busy";
  ASSERT_TRUE(Report(d, b1, Ok));

  // Only a/2 is left, and it must wait for a's slot.
  std::atomic<bool> finished{false};
  std::jthread finisher([&] {
    std::this_thread::sleep_for(50ms);
    finished = true;
    Report(d, a1, Ok);
  });
  std::optional<Task> a2 = d.Next();
  ASSERT_TRUE(a2);
  EXPECT_TRUE(finished);
  EXPECT_EQ(a2->job.origin.seq, 1u);
  finisher.join();
  ASSERT_TRUE(Report(d, a2, Ok));
  EXPECT_FALSE(d.Next());
}

TEST(DispatcherTest, MaxFailuresStopsTakingInput) {
  std::stop_source stop;
  Dispatcher d(Options(0, 0, /*max_failures=*/2), DispatchCapacity{}, stop.get_token());
  for (std::uint64_t i = 0; i < 10; ++i) d.Submit(MakeJob(i, "http://h/x"));
  int handed = 0;
  while (std::optional<Task> task = d.Next()) {
    ++handed;
    ASSERT_TRUE(Report(d, task, [](const Task& t) { return Answered(t, 404); }));
  }
  EXPECT_EQ(handed, 2);
  EXPECT_TRUE(d.stopped_early());
  EXPECT_TRUE(d.input_token().stop_requested()) << "the reader must give up too";
  EXPECT_FALSE(stop.stop_requested()) << "transfers in flight may finish";
}

TEST(DispatcherTest, AbandonedTaskReportsItsPreviousAttempt) {
  std::stop_source stop;
  Dispatcher d(Options(/*retries=*/1), DispatchCapacity{}, stop.get_token());
  d.Submit(MakeJob(0, "http://h/x"));
  d.Submit(MakeJob(1, "http://h/y"));
  d.CloseInput();
  std::optional<Task> x = d.Next();
  ASSERT_TRUE(x);
  ASSERT_FALSE(Report(d, x, [](const Task& t) { return Transient(t, 0s); }));
  std::optional<Task> first = d.Next();
  std::optional<Task> second = d.Next();
  ASSERT_TRUE(first && second);
  // One never-started first attempt says nothing; a never-started retry reports its past.
  Task& fresh = first->job.progress.attempts == 0 ? *first : *second;
  Task& retry = first->job.progress.attempts == 0 ? *second : *first;
  EXPECT_FALSE(d.Abandon(std::move(fresh)));
  std::optional<Result> last = d.Abandon(std::move(retry));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->transfer.http_status, 503);
  EXPECT_FALSE(d.Next());
}

// Several workers, several hosts, random transient failures: every job is reported exactly once
// and no host ever has more than its limit running.
TEST(DispatcherTest, ManyWorkersEveryJobOnceWithinHostLimits) {
  constexpr int kJobs = 300;
  constexpr int kPerHost = 2;
  std::stop_source stop;
  // Small, so back-pressure and parking both happen.
  Dispatcher d(Options(/*retries=*/2, kPerHost), {.max_pending = 32, .max_fresh = 4},
               stop.get_token());

  std::mutex mutex;
  std::map<std::string, int> running;
  std::map<std::uint64_t, int> reported;
  bool over_limit = false;

  std::jthread reader([&] {
    for (int i = 0; i < kJobs; ++i) {
      d.Submit(MakeJob(static_cast<std::uint64_t>(i), "http://h" + std::to_string(i % 3) + "/"));
    }
    d.CloseInput();
  });
  std::vector<std::jthread> workers;
  for (int w = 0; w < 6; ++w) {
    workers.emplace_back([&, w] {
      std::mt19937 random(static_cast<unsigned>(w));
      while (std::optional<Task> task = d.Next()) {
        {
          std::lock_guard lock(mutex);
          if (++running[task->job.target.host] > kPerHost) over_limit = true;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 300));
        {
          std::lock_guard lock(mutex);
          --running[task->job.target.host];
        }
        const bool ok = random() % 3 != 0;
        Result r = ok ? Answered(*task, 200) : Transient(*task, 0s);
        if (std::optional<Result> done = d.Finish(*std::move(task), std::move(r))) {
          std::lock_guard lock(mutex);
          ++reported[done->origin.seq];
        }
      }
    });
  }
  workers.clear();
  EXPECT_FALSE(over_limit);
  ASSERT_EQ(reported.size(), static_cast<std::size_t>(kJobs));
  for (const auto& [seq, count] : reported) EXPECT_EQ(count, 1) << seq;
}

TEST(DispatcherTest, SubmitBlocksWhileFullAndResumesOnceHalfIsFree) {
  std::stop_source stop;
  Dispatcher d(Options(), {.max_pending = 1024, .max_fresh = 4}, stop.get_token());
  for (std::uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(d.Submit(MakeJob(i, "http://h/")));
  std::atomic<bool> submitted{false};
  std::jthread reader([&] {
    EXPECT_TRUE(d.Submit(MakeJob(4, "http://h/")));
    submitted = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(submitted) << "a full hand-off line holds the reader back";
  std::optional<Task> first = d.Next();
  ASSERT_TRUE(first);
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(submitted) << "woken only once half the line is free";
  std::optional<Task> second = d.Next();
  ASSERT_TRUE(second);
  reader.join();
  EXPECT_TRUE(submitted);
}

TEST(DispatcherTest, StopReleasesABlockedSubmit) {
  std::stop_source stop;
  Dispatcher d(Options(), {.max_pending = 2, .max_fresh = 2}, stop.get_token());
  ASSERT_TRUE(d.Submit(MakeJob(0, "http://h/")));
  ASSERT_TRUE(d.Submit(MakeJob(1, "http://h/")));
  std::jthread stopper([&] {
    std::this_thread::sleep_for(30ms);
    stop.request_stop();
  });
  EXPECT_FALSE(d.Submit(MakeJob(2, "http://h/")));
  EXPECT_FALSE(d.Next());
}

}  // namespace
}  // namespace fetchpool
