// Host affinity (issue 22): a worker keeps to the host its connection is open to, and a new
// connection goes to a host nobody is connected to, so a host's URLs share one connection.
#include <gtest/gtest.h>

#include "fetchpool/engine/dispatcher.hpp"
#include "support/dispatcher_jobs.hpp"

namespace fetchpool {
namespace {

using namespace dispatch_test;  // NOLINT(google-build-using-namespace): the shared test helpers

// Submits one job per URL, numbered in order, then closes the input.
void SubmitAll(Dispatcher& d, const std::vector<std::string>& urls) {
  for (std::size_t i = 0; i < urls.size(); ++i) d.Submit(MakeJob(i, urls[i]));
  d.CloseInput();
}

TEST(DispatcherAffinityTest, ANewConnectionGoesToAHostNobodyIsConnectedTo) {
  std::stop_source stop;
  Dispatcher d(Options(), DispatchCapacity{}, stop.get_token());
  SubmitAll(d, {"http://a/1", "http://a/2", "http://b/1", "http://b/2"});
  std::optional<Task> first = d.Next();
  std::optional<Task> second = d.Next();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->job.url, "http://a/1");
  EXPECT_EQ(second->job.url, "http://b/1") << "not a second connection to a";
}

TEST(DispatcherAffinityTest, AFinishedWorkerTakesItsHostsNextJobFirst) {
  std::stop_source stop;
  Dispatcher d(Options(), DispatchCapacity{}, stop.get_token());
  SubmitAll(d, {"http://a/1", "http://b/1", "http://c/1", "http://a/2"});
  std::optional<Task> a1 = d.Next();
  std::optional<Task> b1 = d.Next();
  ASSERT_TRUE(a1 && b1);
  std::optional<Result> done;
  std::optional<Task> next = d.FinishAndTake(*std::move(a1), Ok(*a1), done, "a");
  ASSERT_TRUE(done);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->job.url, "http://a/2") << "ahead of c/1, which waited longer";
  std::optional<Task> c1 = d.Next("b");
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->job.url, "http://c/1");
}

TEST(DispatcherAffinityTest, WithEveryHostBusyAnIdleWorkerStillStartsTheFrontJob) {
  std::stop_source stop;
  Dispatcher d(Options(), DispatchCapacity{}, stop.get_token());
  SubmitAll(d, {"http://a/1", "http://a/2", "http://a/3"});
  std::optional<Task> a1 = d.Next();
  std::optional<Task> a2 = d.Next();
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(a2->job.url, "http://a/2") << "a second connection beats an idle worker";
}

TEST(DispatcherAffinityTest, AffinityNeverPassesThePerHostLimit) {
  std::stop_source stop;
  Dispatcher d(Options(/*retries=*/0, /*per_host=*/1), DispatchCapacity{}, stop.get_token());
  SubmitAll(d, {"http://a/1", "http://a/2", "http://b/1"});
  std::optional<Task> a1 = d.Next();
  ASSERT_TRUE(a1);
  std::optional<Task> other = d.Next("a");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->job.url, "http://b/1") << "a is at its limit of one";
}

TEST(DispatcherAffinityTest, ADueRetryStillGoesBeforeTheWorkersHost) {
  std::stop_source stop;
  Dispatcher d(Options(/*retries=*/1), DispatchCapacity{}, stop.get_token());
  SubmitAll(d, {"http://r/flaky", "http://a/1", "http://a/2"});
  std::optional<Task> flaky = d.Next();
  std::optional<Task> a1 = d.Next();
  ASSERT_TRUE(flaky && a1);
  EXPECT_FALSE(
      Report(d, flaky, [](const Task& t) { return Transient(t, std::chrono::seconds(0)); }));
  std::optional<Result> done;
  std::optional<Task> next = d.FinishAndTake(*std::move(a1), Ok(*a1), done, "a");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->job.url, "http://r/flaky");
}

}  // namespace
}  // namespace fetchpool
