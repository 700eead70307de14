// Barrier: exactly one leader per round, nobody leaves a round before all
// arrived, reusable across many rounds, n = 0 and n = 1 never block.
#include "fearless/sync/barrier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "fearless/sync/arc.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::Arc;
using fearless::sync::Barrier;
using fearless::sync::BarrierWaitResult;

TEST(Barrier, RustDocExample) {
  const int n = 5;
  auto barrier = Arc<Barrier>::make(n);
  std::atomic<int> leaders{0};
  std::vector<fearless::thread::JoinHandle<void>> hs;
  for (int i = 0; i < n; ++i) {
    hs.push_back(fearless::thread::spawn([b = barrier.clone(), &leaders] {
      if (b->wait().is_leader()) leaders.fetch_add(1);
    }));
  }
  for (auto& h : hs) h.join().unwrap();
  EXPECT_EQ(leaders.load(), 1);
}

TEST(Barrier, ZeroAndOneNeverBlock) {
  Barrier zero(0);
  Barrier one(1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(zero.wait().is_leader());
    EXPECT_TRUE(one.wait().is_leader());
  }
  EXPECT_EQ(BarrierWaitResult(true), BarrierWaitResult(true));
}

TEST(Barrier, ReusableRoundsInLockstep) {
  const int n = 4;
  const int rounds = static_cast<int>(sync_test::scaled(2000, 50));
  Barrier b(n);
  std::vector<std::atomic<int>> arrived(static_cast<std::size_t>(rounds));
  std::vector<std::atomic<int>> leaders(static_cast<std::size_t>(rounds));
  std::atomic<int> violations{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < n; ++t) {
      s.spawn([&] {
        for (int r = 0; r < rounds; ++r) {
          arrived[static_cast<std::size_t>(r)].fetch_add(1);
          const bool leader = b.wait().is_leader();
          // After the barrier every thread of this round has arrived.
          if (arrived[static_cast<std::size_t>(r)].load() != n) violations.fetch_add(1);
          if (leader) leaders[static_cast<std::size_t>(r)].fetch_add(1);
        }
      });
    }
  });
  EXPECT_EQ(violations.load(), 0);
  for (auto& l : leaders) ASSERT_EQ(l.load(), 1);
}

TEST(Barrier, SleepingWaitersAreReleased) {
  Barrier b(3);
  std::atomic<int> passed{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 2; ++t) s.spawn([&] {
      (void)b.wait();
      passed.fetch_add(1);
    });
    fearless::thread::sleep(std::chrono::milliseconds(30));  // long enough to park
    EXPECT_EQ(passed.load(), 0);
    (void)b.wait();
  });
  EXPECT_EQ(passed.load(), 2);
}

}  // namespace
