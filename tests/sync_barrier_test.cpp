// Barrier: exactly one leader per round, nobody leaves a round before all
// arrived, reusable across many rounds, n = 0 and n = 1 never block; moves
// keep n and refuse (panic) while a thread waits.
#include "fearless/sync/barrier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <concepts>
#include <string>
#include <utility>
#include <vector>

#include "fearless/sync/arc.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::Arc;
using fearless::sync::Barrier;
using fearless::sync::BarrierWaitResult;

static_assert(std::movable<Barrier>);
static_assert(!std::copy_constructible<Barrier>);
static_assert(!std::is_copy_assignable_v<Barrier>);

// Runs one round of `b` with `n` threads; returns how many were leaders.
int leaders_of_one_round(const Barrier& b, int n) {
  std::atomic<int> leaders{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < n; ++t) s.spawn([&] {
      if (b.wait().is_leader()) leaders.fetch_add(1);
    });
  });
  return leaders.load();
}

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

// --- moves --------------------------------------------------------------

TEST(Barrier, MovedBarrierRunsFullRoundsWithOneLeader) {
  const int n = 4;
  Barrier source(n);
  ASSERT_EQ(leaders_of_one_round(source, n), 1);  // used before the move
  Barrier moved(std::move(source));
  for (int round = 0; round < 3; ++round) ASSERT_EQ(leaders_of_one_round(moved, n), 1);
  EXPECT_EQ(leaders_of_one_round(source, n), 1);  // the moved-from one is unchanged and usable

  Barrier target(1);
  target = std::move(moved);  // takes n = 4
  EXPECT_EQ(leaders_of_one_round(target, n), 1);
  Barrier& self = target;
  target = std::move(self);  // self-assignment changes nothing
  EXPECT_EQ(leaders_of_one_round(target, n), 1);
  Barrier one(1);
  target = std::move(one);  // now n = 1: wait() never blocks
  EXPECT_TRUE(target.wait().is_leader());
  EXPECT_TRUE(target.wait().is_leader());
}

TEST(Barrier, VectorReallocationKeepsEachN) {
  const int count = 40;  // many emplace_backs: several reallocations
  std::vector<Barrier> barriers;
  for (int i = 0; i < count; ++i) barriers.emplace_back(static_cast<std::size_t>(i % 4));
  for (int i = 0; i < count; ++i) {
    const int n = i % 4 == 0 ? 1 : i % 4;  // Barrier(0) behaves as Barrier(1)
    ASSERT_EQ(leaders_of_one_round(barriers[static_cast<std::size_t>(i)], n), 1) << "index " << i;
  }
}

TEST(Barrier, MovingWhileAThreadWaitsPanics) {
  Barrier b(2);
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] { (void)b.wait(); });
    // Until the other thread is inside wait() a move succeeds (and leaves `b`
    // unchanged); keep trying until it is refused. No timing assumption: from
    // then on that thread stays inside wait() until this one arrives.
    std::string message;
    while ((message = sync_test::panic_message([&] { Barrier moved(std::move(b)); })) == "<no panic>")
      fearless::thread::yield_now();
    EXPECT_EQ(message, "cannot move a Barrier while threads are waiting in it");
    Barrier other(2);
    EXPECT_EQ(sync_test::panic_message([&] { other = std::move(b); }),
              "cannot move a Barrier while threads are waiting in it");
    Barrier idle(2);
    EXPECT_EQ(sync_test::panic_message([&] { b = std::move(idle); }),
              "cannot assign to a Barrier while threads are waiting in it");
    (void)b.wait();  // the second arrival releases the waiter
  });
  EXPECT_EQ(leaders_of_one_round(b, 2), 1);  // still a working barrier of 2
}

}  // namespace
