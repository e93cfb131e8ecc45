#include "fetchpool/util/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <numeric>
#include <thread>
#include <vector>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

TEST(BoundedQueueTest, DeliversInFifoOrder) {
  BoundedQueue<int> q(4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.push(i));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(q.pop(), i);
}

TEST(BoundedQueueTest, CloseDrainsRemainingItemsThenEnds) {
  BoundedQueue<int> q(4);
  q.push(1);
  q.push(2);
  q.close();
  EXPECT_FALSE(q.push(3));
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), std::nullopt);
  EXPECT_TRUE(q.closed());
}

TEST(BoundedQueueTest, TryPopNeverBlocks) {
  BoundedQueue<int> q(2);
  EXPECT_EQ(q.try_pop(), std::nullopt);
  q.push(7);
  EXPECT_EQ(q.try_pop(), 7);
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
  q.close();
  out.clear();
  EXPECT_FALSE(q.take_all_until(std::chrono::steady_clock::now() + 10s, 3, out))
      << "closed and empty: the end, at once";
}

TEST(BoundedQueueTest, TakeAllWakesABlockedProducer) {
  BoundedQueue<int> q(2);
  q.push(1);
  q.push(2);
  std::atomic<bool> pushed{false};
  std::jthread producer([&] {
    q.push(3);
    pushed = true;
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(pushed);
  std::deque<int> out;
  EXPECT_TRUE(q.try_take_all(out));
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(q.pop(), 3);
}

TEST(BoundedQueueTest, PushBlocksWhileFullUntilAConsumerMakesRoom) {
  BoundedQueue<int> q(1);
  ASSERT_TRUE(q.push(1));
  std::atomic<bool> pushed{false};
  std::jthread producer([&] {
    q.push(2);
    pushed = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(pushed) << "push must wait while the queue is at capacity";
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.pop(), 1);
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(q.pop(), 2);
}

TEST(BoundedQueueTest, CloseWakesBlockedProducersAndConsumers) {
  BoundedQueue<int> full(1);
  full.push(0);
  BoundedQueue<int> empty(1);
  std::optional<bool> push_result;
  std::optional<std::optional<int>> pop_result;
  std::jthread producer([&] { push_result = full.push(1); });
  std::jthread consumer([&] { pop_result = empty.pop(); });
  std::this_thread::sleep_for(20ms);
  full.close();
  empty.close();
  producer.join();
  consumer.join();
  EXPECT_EQ(push_result, false);
  ASSERT_TRUE(pop_result.has_value()) << "the consumer returned";
  EXPECT_FALSE(pop_result->has_value());
}

TEST(BoundedQueueTest, StopRequestWakesBlockedWaiters) {
  BoundedQueue<int> full(1);
  full.push(0);
  BoundedQueue<int> empty(1);
  std::stop_source stop;
  std::optional<bool> push_result;
  std::optional<std::optional<int>> pop_result;
  std::jthread producer([&] { push_result = full.push(1, stop.get_token()); });
  std::jthread consumer([&] { pop_result = empty.pop(stop.get_token()); });
  std::this_thread::sleep_for(20ms);
  stop.request_stop();
  producer.join();
  consumer.join();
  EXPECT_EQ(push_result, false);
  ASSERT_TRUE(pop_result.has_value()) << "the consumer returned";
  EXPECT_FALSE(pop_result->has_value());
  EXPECT_FALSE(full.closed()) << "a stop is not a close";
}

TEST(BoundedQueueTest, StopWithManyBlockedWaitersNeverDeadlocks) {
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
    BoundedQueue<int> empty(4);
    BoundedQueue<int> full(1);
    full.push(0);
    std::stop_source stop;
    std::vector<std::jthread> waiters;
    for (int i = 0; i < 6; ++i) {
      waiters.emplace_back([&] { empty.pop(stop.get_token()); });
      waiters.emplace_back([&] { full.push(1, stop.get_token()); });
    }
    std::this_thread::sleep_for(1ms);
    stop.request_stop();
  }
  done = true;
}

TEST(BoundedQueueTest, StoppedConsumerTakesNoNewWorkEvenIfItemsRemain) {
  BoundedQueue<int> q(4);
  q.push(1);
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(q.pop(stop.get_token()), std::nullopt);
  EXPECT_FALSE(q.push(2, stop.get_token()));
  EXPECT_EQ(q.pop(), 1) << "a consumer without the stop token still drains";
}

TEST(BoundedQueueTest, ZeroCapacityIsTreatedAsOne) {
  BoundedQueue<int> q(0);
  EXPECT_EQ(q.capacity(), 1u);
  EXPECT_TRUE(q.push(1));
}

TEST(BoundedQueueTest, ManyProducersManyConsumersLoseAndDuplicateNothing) {
  constexpr int kProducers = 4;
  constexpr int kConsumers = 4;
  constexpr int kPerProducer = 20000;
  BoundedQueue<int> q(8);
  std::vector<std::atomic<int>> seen(kProducers * kPerProducer);
  std::atomic<std::size_t> max_size{0};
  std::vector<std::jthread> consumers;
  for (int c = 0; c < kConsumers; ++c) {
    consumers.emplace_back([&] {
      while (std::optional<int> v = q.pop()) {
        seen[static_cast<std::size_t>(*v)].fetch_add(1);
        std::size_t s = q.size();
        std::size_t m = max_size.load();
        while (s > m && !max_size.compare_exchange_weak(m, s)) {
        }
      }
    });
  }
  {
    std::vector<std::jthread> producers;
    for (int p = 0; p < kProducers; ++p) {
      producers.emplace_back([&, p] {
        for (int i = 0; i < kPerProducer; ++i) ASSERT_TRUE(q.push(p * kPerProducer + i));
      });
    }
  }
  q.close();
  consumers.clear();
  for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << "item " << i;
  EXPECT_LE(max_size.load(), q.capacity());
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
  while (auto item = q.pop()) {
    ASSERT_EQ(item->second, last[static_cast<std::size_t>(item->first)] + 1);
    last[static_cast<std::size_t>(item->first)] = item->second;
  }
  EXPECT_EQ(last, std::vector<int>(3, 4999));
}

}  // namespace
}  // namespace fetchpool
