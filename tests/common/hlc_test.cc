#include "common/hlc.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace comptoir {
namespace {

TEST(HybridClockTest, FollowsThePhysicalClockWhenItMovesForward) {
  int64_t now_ms = 1'700'000'000'000;
  HybridClock clock([&] { return now_ms; });
  const uint64_t first = clock.Now();
  EXPECT_EQ(HybridClock::PhysicalMillis(first), now_ms);
  now_ms += 250;
  const uint64_t second = clock.Now();
  EXPECT_EQ(HybridClock::PhysicalMillis(second), now_ms);
  EXPECT_GT(second, first);
}

TEST(HybridClockTest, StaysMonotonicWhenThePhysicalClockGoesBackwards) {
  int64_t now_ms = 1'700'000'000'000;
  HybridClock clock([&] { return now_ms; });
  uint64_t previous = clock.Now();
  // The machine's clock is set back by three hours (a badly configured till).
  now_ms -= 3 * 3600 * 1000;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t next = clock.Now();
    ASSERT_GT(next, previous);
    previous = next;
  }
  // Physical time is still the one before the jump: only the counter moved.
  EXPECT_EQ(HybridClock::PhysicalMillis(previous), 1'700'000'000'000);
}

TEST(HybridClockTest, StaysMonotonicWhenTheClockStandsStill) {
  HybridClock clock([] { return int64_t{42}; });
  uint64_t previous = 0;
  for (int i = 0; i < 100000; ++i) {  // past the 16-bit counter: carries into ms
    const uint64_t next = clock.Now();
    ASSERT_GT(next, previous);
    previous = next;
  }
}

TEST(HybridClockTest, OrdersAfterObservedRemoteTimestamps) {
  int64_t now_ms = 1'000;
  HybridClock clock([&] { return now_ms; });
  const uint64_t remote = HybridClock::FromMillis(5'000) + 7;  // a site whose clock is ahead
  clock.Observe(remote);
  EXPECT_GT(clock.Now(), remote);
  clock.Observe(HybridClock::FromMillis(10));  // an older remote time changes nothing
  EXPECT_GT(clock.Now(), remote + 1);
}

TEST(HybridClockTest, IsMonotonicAcrossThreads) {
  HybridClock clock;
  std::vector<std::vector<uint64_t>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) seen[t].push_back(clock.Now());
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<uint64_t> all;
  for (const auto& values : seen) {
    for (size_t i = 1; i < values.size(); ++i) ASSERT_GT(values[i], values[i - 1]);
    all.insert(all.end(), values.begin(), values.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "duplicate timestamps";
}

}  // namespace
}  // namespace comptoir
