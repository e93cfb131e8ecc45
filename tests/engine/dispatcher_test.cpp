// The dispatcher driven by hand, as its workers drive it (TestWorker), on virtual time: a retry or
// a paused host comes back exactly when its time comes, asserted as an order and a time stamp,
// never with a sleep or an upper bound.
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
#include "support/manual_clock.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using namespace dispatch_test;  // NOLINT(google-build-using-namespace): the shared test helpers
using testing::ManualClock;

class DispatcherTest : public ::testing::Test {
 protected:
  // What a worker waiting in Next gets once the clock has moved `steps` on, one after another.
  std::optional<Task> NextAfter(TestWorker& worker, std::initializer_list<Clock::duration> steps) {
    std::optional<Task> task;
    std::jthread waiter([&] { task = worker.Next(); });
    for (Clock::duration step : steps) clock_.Advance(step);
    waiter.join();
    return task;
  }

  ManualClock clock_;
  std::stop_source stop_;
};

TEST_F(DispatcherTest, HandsOutEveryJobThenEnds) {
  Dispatcher d(Options(), DispatchCapacity{}, stop_.get_token(), nullptr, clock_);
  for (std::uint64_t i = 0; i < 5; ++i) d.Submit(MakeJob(i, "http://h/" + std::to_string(i)));
  d.CloseInput();
  TestWorker w(d);
  std::vector<std::uint64_t> order;
  while (std::optional<Task> task = w.Next()) {
    order.push_back(task->job.origin.seq);
    std::optional<Result> r = w.Report(task, Ok);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->verdict.ok);
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_FALSE(d.stopped_early());
}

TEST_F(DispatcherTest, ARetryWaitsForItsRetryAfterWithoutHoldingBackOtherJobs) {
  Dispatcher d(Options(/*retries=*/1), DispatchCapacity{}, stop_.get_token(), nullptr, clock_);
  d.Submit(MakeJob(0, "http://h/flaky"));
  // Other hosts: a 503 with Retry-After pauses its own host (see below).
  d.Submit(MakeJob(1, "http://h2/a"));
  d.Submit(MakeJob(2, "http://h3/b"));
  d.CloseInput();
  TestWorker w(d);
  std::optional<Task> flaky = w.Next();
  ASSERT_TRUE(flaky);
  ASSERT_EQ(flaky->job.origin.seq, 0u);
  const Clock::time_point failed_at = clock_.Now();
  EXPECT_FALSE(w.Report(flaky, [](const Task& t) { return Transient(t, 1s); }))
      << "kept for a retry";
  for (std::uint64_t want : {1u, 2u}) {  // the others at once, while the retry waits
    std::optional<Task> task = w.Next();
    ASSERT_TRUE(task);
    EXPECT_EQ(task->job.origin.seq, want);
    EXPECT_EQ(task->started, failed_at);
    ASSERT_TRUE(w.Report(task, Ok));
  }
  EXPECT_FALSE(w.handed()) << "nothing may start before the Retry-After ends";
  // Input is exhausted and nothing runs, but the retry is pending: Next waits for it.
  std::optional<Task> retry = NextAfter(w, {999ms, 1ms});
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->started, failed_at + 1s) << "Retry-After: 1, to the tick";
  EXPECT_EQ(retry->job.origin.seq, 0u);
  EXPECT_EQ(retry->job.progress.attempts, 1);
  ASSERT_TRUE(retry->last);
  EXPECT_EQ(retry->last->transfer.http_status, 503);

  std::optional<Result> final = w.Report(retry, Ok);
  ASSERT_TRUE(final);
  EXPECT_EQ(final->transfer.attempts, 2);
  EXPECT_FALSE(w.Next());
}

TEST_F(DispatcherTest, A429PausesItsHostButNotTheOthers) {
  Dispatcher d(Options(/*retries=*/0), DispatchCapacity{}, stop_.get_token(), nullptr, clock_);
  d.Submit(MakeJob(0, "http://h/throttled"));
  d.Submit(MakeJob(1, "http://h/next"));
  d.Submit(MakeJob(2, "http://other/a"));
  d.CloseInput();
  TestWorker w(d);
  std::optional<Task> first = w.Next();
  ASSERT_TRUE(first);
  const Clock::time_point refused_at = clock_.Now();
  std::optional<Result> failed =
      w.Report(first, [](const Task& t) { return Answered(t, 429, /*retry_after=*/1s); });
  ASSERT_TRUE(failed) << "no retries left: reported";
  std::optional<Task> other = w.Next();
  ASSERT_TRUE(other);
  EXPECT_EQ(other->job.origin.seq, 2u) << "the paused host's URL waits, the other host's goes";
  ASSERT_TRUE(w.Report(other, Ok));
  EXPECT_FALSE(w.handed()) << "h is paused";
  std::optional<Task> next = NextAfter(w, {999ms, 1ms});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->job.origin.seq, 1u);
  EXPECT_EQ(next->started, refused_at + 1s) << "it waited for the pause, to the tick";
  ASSERT_TRUE(w.Report(next, Ok));
  EXPECT_FALSE(w.Next());
}

TEST_F(DispatcherTest, AnOtherHostsJobRunsDuringThePauseInInputOrder) {
  Dispatcher d(Options(/*retries=*/0), DispatchCapacity{}, stop_.get_token(), nullptr, clock_);
  d.Submit(MakeJob(0, "http://h/throttled"));
  d.Submit(MakeJob(1, "http://h/a"));
  for (std::uint64_t i = 2; i < 6; ++i) d.Submit(MakeJob(i, "http://p/" + std::to_string(i)));
  d.CloseInput();
  TestWorker w(d);
  std::optional<Task> task = w.Next();
  ASSERT_TRUE(w.Report(task, [](const Task& t) { return Answered(t, 503, 2s); }));
  // Each of p's jobs takes a second; h/a may start again two seconds after the 503.
  std::vector<std::uint64_t> order;
  while ((task = w.Next())) {
    order.push_back(task->job.origin.seq);
    clock_.Advance(1s);
    ASSERT_TRUE(w.Report(task, Ok));
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 3, 1, 4, 5}))
      << "h/a as soon as its pause ends, ahead of p's later jobs";
}

TEST_F(DispatcherTest, GivesUpAfterTheLastRetry) {
  Dispatcher d(Options(/*retries=*/2), DispatchCapacity{}, stop_.get_token(), nullptr, clock_);
  d.Submit(MakeJob(0, "http://h/down"));
  d.CloseInput();
  TestWorker w(d);
  int attempts = 0;
  std::optional<Result> final;
  while (std::optional<Task> task = w.Next()) {
    ++attempts;
    final = w.Report(task, [](const Task& t) { return Transient(t, 0s); });
  }
  EXPECT_EQ(attempts, 3);
  ASSERT_TRUE(final);
  EXPECT_EQ(final->transfer.attempts, 3);
  EXPECT_EQ(final->transfer.http_status, 503);
}

TEST_F(DispatcherTest, AStopWakesAWaitingWorkerAndReportsThePendingRetry) {
  Dispatcher d(Options(/*retries=*/3), DispatchCapacity{}, stop_.get_token(), nullptr, clock_);
  d.Submit(MakeJob(0, "http://h/flaky"));
  d.CloseInput();
  TestWorker w(d);
  std::optional<Task> task = w.Next();
  ASSERT_TRUE(task);
  ASSERT_FALSE(w.Report(task, [](const Task& t) { return Transient(t, 3600s); }));
  std::optional<Task> after_stop = Task{};
  std::jthread waiter([&] { after_stop = w.Next(); });  // waits an hour of virtual time
  stop_.request_stop();
  waiter.join();
  EXPECT_FALSE(after_stop);
  std::optional<Result> last = d.TakeAbandoned();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->transfer.http_status, 503);
  EXPECT_FALSE(d.TakeAbandoned());
  EXPECT_TRUE(d.input_token().stop_requested());
}

TEST_F(DispatcherTest, ABusyHostDoesNotBlockOtherHosts) {
  Dispatcher d(Options(0, /*per_host=*/1), DispatchCapacity{}, stop_.get_token(), nullptr, clock_);
  d.Submit(MakeJob(0, "http://a/1"));
  d.Submit(MakeJob(1, "http://a/2"));
  d.Submit(MakeJob(2, "http://b/1"));
  d.CloseInput();
  TestWorker w0(d);
  TestWorker w1(d);
  std::optional<Task> a1 = w0.Next();
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->job.target.host, "a");
  std::optional<Task> b1 = w1.Next();
  ASSERT_TRUE(b1);
  EXPECT_EQ(b1->job.origin.seq, 2u) << "a/2 is parked while a is busy";
  ASSERT_TRUE(w1.Report(b1, Ok));
  EXPECT_FALSE(w1.handed()) << "only a/2 is left, and it waits for a's slot";
  ASSERT_TRUE(w0.Report(a1, Ok));
  std::optional<Task> a2 = w0.Next();
  ASSERT_TRUE(a2) << "a's slot is free: its finisher takes a/2 at once";
  EXPECT_EQ(a2->job.origin.seq, 1u);
  ASSERT_TRUE(w0.Report(a2, Ok));
  EXPECT_FALSE(w0.Next());
  EXPECT_FALSE(w1.Next());
}

TEST_F(DispatcherTest, MaxFailuresStopsTakingInput) {
  Dispatcher d(Options(0, 0, /*max_failures=*/2), DispatchCapacity{}, stop_.get_token(), nullptr,
               clock_);
  for (std::uint64_t i = 0; i < 10; ++i) d.Submit(MakeJob(i, "http://h/x"));
  TestWorker w(d);
  int handed = 0;
  while (std::optional<Task> task = w.Next()) {
    ++handed;
    ASSERT_TRUE(w.Report(task, [](const Task& t) { return Answered(t, 404); }));
  }
  EXPECT_EQ(handed, 2);
  EXPECT_TRUE(d.stopped_early());
  EXPECT_TRUE(d.input_token().stop_requested()) << "the reader must give up too";
  EXPECT_FALSE(stop_.stop_requested()) << "transfers in flight may finish";
}

TEST_F(DispatcherTest, AnAbandonedTaskReportsItsPreviousAttempt) {
  Dispatcher d(Options(/*retries=*/1), DispatchCapacity{}, stop_.get_token(), nullptr, clock_);
  d.Submit(MakeJob(0, "http://h/x"));
  d.Submit(MakeJob(1, "http://h/y"));
  d.CloseInput();
  TestWorker w0(d);
  TestWorker w1(d);
  std::optional<Task> x = w0.Next();
  ASSERT_TRUE(x);
  ASSERT_FALSE(w0.Report(x, [](const Task& t) { return Transient(t, 0s); }));
  std::optional<Task> retry = w0.Next();  // due at once: handed with the report
  std::optional<Task> fresh = w1.Next();
  ASSERT_TRUE(retry && fresh);
  EXPECT_EQ(retry->job.progress.attempts, 1);
  EXPECT_EQ(fresh->job.progress.attempts, 0);
  // A never-started first attempt says nothing; a never-started retry reports its past.
  EXPECT_FALSE(d.Abandon(*std::move(fresh)));
  std::optional<Result> last = d.Abandon(*std::move(retry));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->transfer.http_status, 503);
  EXPECT_FALSE(w0.Next());
}

// Several workers, several hosts, random transient failures: every job is reported exactly once
// and no host ever has more than its limit running.
TEST_F(DispatcherTest, ManyWorkersEveryJobOnceWithinHostLimits) {
  constexpr int kJobs = 300;
  constexpr int kPerHost = 2;
  // Small, so back-pressure and parking both happen. Real time: retries are due at once.
  Dispatcher d(Options(/*retries=*/2, kPerHost), {.max_pending = 32, .max_fresh = 4},
               stop_.get_token(), nullptr, SteadyClock());
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
      TestWorker worker(d, w);
      while (std::optional<Task> task = worker.Next()) {
        {
          std::lock_guard lock(mutex);
          if (++running[task->job.target.host] > kPerHost) over_limit = true;
        }
        for (unsigned spin = random() % 64; spin > 0; --spin) std::this_thread::yield();
        {
          std::lock_guard lock(mutex);
          --running[task->job.target.host];
        }
        const bool ok = random() % 3 != 0;
        if (std::optional<Result> done =
                worker.Report(task, [&](const Task& t) { return ok ? Ok(t) : Transient(t, 0s); })) {
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

TEST_F(DispatcherTest, SubmitBlocksWhileFullAndResumesOnceHalfIsFree) {
  Dispatcher d(Options(), {.max_pending = 1024, .max_fresh = 4}, stop_.get_token(), nullptr,
               clock_);
  for (std::uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(d.Submit(MakeJob(i, "http://h/")));
  std::atomic<bool> submitted{false};
  std::jthread reader([&] {
    EXPECT_TRUE(d.Submit(MakeJob(4, "http://h/")));
    submitted = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(submitted) << "a full hand-off line holds the reader back";
  std::optional<Task> first = d.Next(-1);
  ASSERT_TRUE(first);
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(submitted) << "woken only once half the line is free";
  std::optional<Task> second = d.Next(-1);
  ASSERT_TRUE(second);
  reader.join();
  EXPECT_TRUE(submitted);
}

TEST_F(DispatcherTest, AStopReleasesABlockedSubmit) {
  Dispatcher d(Options(), {.max_pending = 2, .max_fresh = 2}, stop_.get_token(), nullptr, clock_);
  ASSERT_TRUE(d.Submit(MakeJob(0, "http://h/")));
  ASSERT_TRUE(d.Submit(MakeJob(1, "http://h/")));
  std::jthread stopper([&] { stop_.request_stop(); });  // before or during the Submit below
  EXPECT_FALSE(d.Submit(MakeJob(2, "http://h/")));
  EXPECT_FALSE(d.Next(-1));
}

}  // namespace
}  // namespace fetchpool
