// Host affinity: a worker keeps to the hosts its connections are open to, and a new connection
// goes to a host nobody is connected to, so a host's URLs share one connection.
#include <gtest/gtest.h>

#include "fetchpool/engine/connection_book.hpp"
#include "fetchpool/engine/dispatcher.hpp"
#include "support/dispatcher_jobs.hpp"
#include "support/manual_clock.hpp"

namespace fetchpool {
namespace {

using namespace dispatch_test;  // NOLINT(google-build-using-namespace): the shared test helpers

// Submits one job per URL, numbered in order, then closes the input.
void SubmitAll(Dispatcher& d, const std::vector<std::string>& urls) {
  for (std::size_t i = 0; i < urls.size(); ++i) d.Submit(MakeJob(i, urls[i]));
  d.CloseInput();
}

DispatchCapacity TwoWorkers(std::size_t held = 5) {
  return {.max_running = 2, .held_connections = held};
}

// Finishes `task` ok as `worker` and returns what it takes next.
std::optional<Task> Next(Dispatcher& d, std::optional<Task>& task, int worker) {
  std::optional<Result> done;
  Result ok = Ok(*task);
  std::optional<Task> next = d.FinishAndTake(*std::move(task), std::move(ok), done, worker);
  EXPECT_TRUE(done);
  return next;
}

TEST(DispatcherAffinityTest, ANewConnectionGoesToAHostNobodyIsConnectedTo) {
  std::stop_source stop;
  Dispatcher d(Options(), TwoWorkers(), stop.get_token(), nullptr, SteadyClock());
  SubmitAll(d, {"http://a/1", "http://a/2", "http://b/1", "http://b/2"});
  std::optional<Task> first = d.Next(0);
  std::optional<Task> second = d.Next(1);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->job.origin.url, "http://a/1");
  EXPECT_EQ(second->job.origin.url, "http://b/1") << "not a second connection to a";
}

TEST(DispatcherAffinityTest, AFinishedWorkerTakesItsHostsNextJobFirst) {
  std::stop_source stop;
  Dispatcher d(Options(), TwoWorkers(), stop.get_token(), nullptr, SteadyClock());
  SubmitAll(d, {"http://a/1", "http://b/1", "http://c/1", "http://a/2"});
  std::optional<Task> a1 = d.Next(0);
  std::optional<Task> b1 = d.Next(1);
  ASSERT_TRUE(a1 && b1);
  std::optional<Task> next = Next(d, a1, 0);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->job.origin.url, "http://a/2") << "ahead of c/1, which waited longer";
  std::optional<Task> c1 = Next(d, b1, 1);
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->job.origin.url, "http://c/1");
}

TEST(DispatcherAffinityTest, AHostComingBackLaterGoesToTheWorkerStillConnected) {
  std::stop_source stop;
  Dispatcher d(Options(), TwoWorkers(), stop.get_token(), nullptr, SteadyClock());
  SubmitAll(d, {"http://a/1", "http://b/1", "http://a/2", "http://b/2"});
  std::optional<Task> a1 = d.Next(0);
  std::optional<Task> b1 = d.Next(1);
  ASSERT_TRUE(a1 && b1);
  std::optional<Task> b2 = Next(d, b1, 1);  // worker 1 finishes first
  ASSERT_TRUE(b2);
  EXPECT_EQ(b2->job.origin.url, "http://b/2") << "a/2 is at the front, but worker 0 holds a";
  std::optional<Task> a2 = Next(d, a1, 0);
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->job.origin.url, "http://a/2");
}

TEST(DispatcherAffinityTest, WithEveryHostBusyAnIdleWorkerStillStartsTheFrontJob) {
  std::stop_source stop;
  Dispatcher d(Options(), TwoWorkers(), stop.get_token(), nullptr, SteadyClock());
  SubmitAll(d, {"http://a/1", "http://a/2", "http://a/3"});
  std::optional<Task> a1 = d.Next(0);
  std::optional<Task> a2 = d.Next(1);
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(a2->job.origin.url, "http://a/2") << "a second connection beats an idle worker";
}

TEST(DispatcherAffinityTest, AffinityNeverPassesThePerHostLimit) {
  std::stop_source stop;
  Dispatcher d(Options(/*retries=*/0, /*per_host=*/1), TwoWorkers(), stop.get_token(), nullptr,
               SteadyClock());
  SubmitAll(d, {"http://a/1", "http://a/2", "http://b/1"});
  std::optional<Task> a1 = d.Next(0);
  ASSERT_TRUE(a1);
  std::optional<Task> other = d.Next(1);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->job.origin.url, "http://b/1") << "a is at its limit of one";
}

TEST(DispatcherAffinityTest, ADueRetryStillGoesBeforeTheWorkersHost) {
  std::stop_source stop;
  testing::ManualClock clock;
  // One at a time per host, so a/2 waits for worker 1's a/1 and worker 0 takes nothing else.
  Dispatcher d(Options(/*retries=*/1, /*per_host=*/1), TwoWorkers(), stop.get_token(), nullptr,
               clock);
  SubmitAll(d, {"http://r/flaky", "http://a/1", "http://a/2"});
  TestWorker w0(d, 0);
  TestWorker w1(d, 1);
  std::optional<Task> flaky = w0.Next();
  std::optional<Task> a1 = w1.Next();
  ASSERT_TRUE(flaky && a1);
  EXPECT_FALSE(
      w0.Report(flaky, [](const Task& t) { return Transient(t, std::chrono::seconds(1)); }));
  EXPECT_FALSE(w0.handed());
  clock.Advance(std::chrono::seconds(1));  // the retry is due
  ASSERT_TRUE(w1.Report(a1, Ok));
  std::optional<Task> next = w1.Next();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->job.origin.url, "http://r/flaky") << "before a/2, though worker 1 holds a";
}

TEST(ConnectionBookTest, AWorkerForgetsItsLeastRecentlyUsedHostAsLibcurlDoes) {
  ConnectionBook book(/*workers=*/2, /*per_worker=*/2);
  book.Used(0, "a");
  book.Used(0, "b");
  EXPECT_EQ(book.Holder("a"), 0);
  EXPECT_EQ(book.Last(0), "b");
  book.Used(0, "a");  // a is the most recent again: b is now the oldest
  book.Used(0, "c");
  EXPECT_EQ(book.Holder("b"), -1) << "closed to make room for c";
  EXPECT_EQ(book.Holder("a"), 0);
  EXPECT_EQ(book.Holder("c"), 0);
}

TEST(ConnectionBookTest, AHostIsHeldByWhoeverUsedItLast) {
  ConnectionBook book(2, 4);
  book.Used(0, "a");
  book.Used(1, "a");
  EXPECT_EQ(book.Holder("a"), 1);
  book.Used(0, "b");
  book.Used(0, "c");
  book.Used(0, "d");
  book.Used(0, "e");  // worker 0 drops its own a, but worker 1 still holds it
  EXPECT_EQ(book.Holder("a"), 1);
  EXPECT_EQ(book.Last(1), "a");
  EXPECT_EQ(book.Last(-1), "");
}

}  // namespace
}  // namespace fetchpool
