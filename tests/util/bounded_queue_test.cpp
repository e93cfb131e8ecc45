#include "fetchpool/util/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <thread>
#include <utility>
#include <vector>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

// Takes batches as the printer does until the queue is closed and empty.
template <typename T>
std::vector<T> TakeUntilClosed(BoundedQueue<T>& q) {
  std::vector<T> all;
  std::deque<T> batch;
  for (;;) {
    if (!q.take_all_until(std::chrono::steady_clock::now() + 10s, 1, batch)) {
      if (q.closed() && q.size() == 0) return all;
      continue;
    }
    for (T& item : batch) all.push_back(std::move(item));
    batch.clear();
  }
}

TEST(BoundedQueueTest, DeliversInFifoOrder) {
  BoundedQueue<int> q(4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.push(i));
  std::deque<int> out;
  EXPECT_TRUE(q.try_take_all(out));
  EXPECT_EQ(out, (std::deque<int>{0, 1, 2, 3}));
}

TEST(BoundedQueueTest, CloseDeliversRemainingItemsThenEnds) {
  BoundedQueue<int> q(4);
  q.push(1);
  q.push(2);
  q.close();
  EXPECT_FALSE(q.push(3));
  std::deque<int> out;
  EXPECT_TRUE(q.take_all_until(std::chrono::steady_clock::now() + 1h, 3, out));
  EXPECT_EQ(out, (std::deque<int>{1, 2})) << "closed: no waiting for a full batch";
  EXPECT_FALSE(q.take_all_until(std::chrono::steady_clock::now() + 1h, 1, out))
      << "closed and empty: the end, at once";
  EXPECT_TRUE(q.closed());
}

TEST(BoundedQueueTest, TakeAllMovesEverythingQueuedInOrder) {
  BoundedQueue<int> q(8);
  std::deque<int> out{0};
  EXPECT_FALSE(q.try_take_all(out));
  for (int i = 1; i <= 3; ++i) q.push(i);
  EXPECT_TRUE(q.try_take_all(out));
  EXPECT_EQ(out, (std::deque<int>{0, 1, 2, 3})) << "appended after what `out` held";
  EXPECT_EQ(q.size(), 0u);
  out.clear();
  q.push(4);
  EXPECT_TRUE(q.try_take_all(out));
  EXPECT_EQ(out, (std::deque<int>{4}));
}

TEST(BoundedQueueTest, TakeAllUntilWaitsForItsBatchOrTheDeadline) {
  BoundedQueue<int> q(8);
  std::deque<int> out;
  q.push(1);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(q.take_all_until(start + 50ms, 3, out)) << "one short of the batch: the deadline";
  EXPECT_GE(std::chrono::steady_clock::now() - start, 45ms);
  EXPECT_EQ(out, (std::deque<int>{1}));
  out.clear();
  std::jthread producer([&] {
    for (int i = 2; i <= 4; ++i) q.push(i);
  });
  EXPECT_TRUE(q.take_all_until(std::chrono::steady_clock::now() + 10s, 3, out));
  producer.join();
  q.try_take_all(out);  // whatever came after the batch
  EXPECT_EQ(out, (std::deque<int>{2, 3, 4}));
}

TEST(BoundedQueueTest, PushBlocksWhileFullUntilTheConsumerTakes) {
  BoundedQueue<int> q(2);
  q.push(1);
  q.push(2);
  std::atomic<bool> pushed{false};
  std::jthread producer([&] {
    q.push(3);
    pushed = true;
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(pushed) << "push must wait while the queue is at capacity";
  EXPECT_EQ(q.size(), 2u);
  std::deque<int> out;
  EXPECT_TRUE(q.try_take_all(out));
  producer.join();
  EXPECT_TRUE(pushed);
  out.clear();
  EXPECT_TRUE(q.try_take_all(out));
  EXPECT_EQ(out, (std::deque<int>{3}));
}

TEST(BoundedQueueTest, CloseWakesBlockedProducersAndTheConsumer) {
  BoundedQueue<int> full(1);
  full.push(0);
  BoundedQueue<int> empty(1);
  std::optional<bool> push_result;
  std::optional<bool> took;
  std::jthread producer([&] { push_result = full.push(1); });
  std::jthread consumer([&] {
    std::deque<int> out;
    took = empty.take_all_until(std::chrono::steady_clock::now() + 1h, 1, out);
  });
  std::this_thread::sleep_for(20ms);
  full.close();
  empty.close();
  producer.join();
  consumer.join();
  EXPECT_EQ(push_result, false);
  EXPECT_EQ(took, false) << "the consumer returned before its hour, with nothing";
}

TEST(BoundedQueueTest, StopRequestWakesBlockedProducers) {
  BoundedQueue<int> full(1);
  full.push(0);
  std::stop_source stop;
  std::optional<bool> push_result;
  std::jthread producer([&] { push_result = full.push(1, stop.get_token()); });
  std::this_thread::sleep_for(20ms);
  stop.request_stop();
  producer.join();
  EXPECT_EQ(push_result, false);
  EXPECT_FALSE(full.closed()) << "a stop is not a close";
  EXPECT_FALSE(full.push(2, stop.get_token())) << "nor does a stopped producer add anything";
  EXPECT_EQ(full.size(), 1u);
}

TEST(BoundedQueueTest, StopWithManyBlockedProducersNeverDeadlocks) {
  // Every waiter registers a stop callback that takes the queue's lock. One woken waiter must not
  // destroy its callback under that lock while the stopping thread is still running it.
  std::atomic<bool> done{false};
  std::jthread watchdog([&](std::stop_token finished) {
    for (int i = 0; i < 1000 && !finished.stop_requested(); ++i) std::this_thread::sleep_for(10ms);
    if (!done) {
      std::fprintf(stderr, "deadlock: stop request and waiters never finished\n");
      std::abort();
    }
  });
  for (int round = 0; round < 200; ++round) {
    BoundedQueue<int> full(1);
    full.push(0);
    std::stop_source stop;
    std::vector<std::jthread> waiters;
    for (int i = 0; i < 12; ++i) {
      waiters.emplace_back([&] { full.push(1, stop.get_token()); });
    }
    std::this_thread::sleep_for(1ms);
    stop.request_stop();
  }
  done = true;
}

TEST(BoundedQueueTest, ZeroCapacityIsTreatedAsOne) {
  BoundedQueue<int> q(0);
  EXPECT_EQ(q.capacity(), 1u);
  EXPECT_TRUE(q.push(1));
}

TEST(BoundedQueueTest, ManyProducersLoseAndDuplicateNothing) {
  constexpr int kProducers = 6;
  constexpr int kPerProducer = 20000;
  BoundedQueue<int> q(8);
  std::vector<int> seen(kProducers * kPerProducer);
  std::jthread consumer([&] {
    for (int v : TakeUntilClosed(q)) ++seen[static_cast<std::size_t>(v)];
  });
  {
    std::vector<std::jthread> producers;
    for (int p = 0; p < kProducers; ++p) {
      producers.emplace_back([&, p] {
        for (int i = 0; i < kPerProducer; ++i) ASSERT_TRUE(q.push(p * kPerProducer + i));
      });
    }
  }
  q.close();
  consumer.join();
  for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], 1) << "item " << i;
}

TEST(BoundedQueueTest, PreservesPerProducerOrder) {
  BoundedQueue<std::pair<int, int>> q(3);
  std::vector<std::jthread> producers;
  for (int p = 0; p < 3; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < 5000; ++i) q.push({p, i});
    });
  }
  std::jthread closer([&] {
    for (auto& t : producers) t.join();
    q.close();
  });
  std::vector<int> last(3, -1);
  for (const auto& [producer, i] : TakeUntilClosed(q)) {
    ASSERT_EQ(i, last[static_cast<std::size_t>(producer)] + 1);
    last[static_cast<std::size_t>(producer)] = i;
  }
  EXPECT_EQ(last, std::vector<int>(3, 4999));
}

}  // namespace
}  // namespace fetchpool
