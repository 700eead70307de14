// RwLock<T>: shared readers, exclusive writers, try_read/try_write, poisoning
// by writers only, get_mut / into_inner, writer preference (no starvation),
// exact totals under contention, and moving an RwLock (a read- or
// write-locked source panics).
#include "fearless/sync/rwlock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using fearless::sync::RwLock;
using fearless::sync::RwLockReadGuard;
using fearless::sync::RwLockWriteGuard;

static_assert(!std::is_copy_constructible_v<RwLock<int>>);
static_assert(!std::is_copy_constructible_v<RwLockReadGuard<int>>);
static_assert(std::is_same_v<decltype(*std::declval<RwLockReadGuard<int>&>()), const int&>);
static_assert(std::is_same_v<decltype(*std::declval<RwLockWriteGuard<int>&>()), int&>);
static_assert(sizeof(RwLock<int>) <= 16);
// Movable like Rust's RwLock, never noexcept (a move of a locked one panics).
static_assert(std::is_move_constructible_v<RwLock<int>>);
static_assert(std::is_move_assignable_v<RwLock<int>>);
static_assert(!std::is_nothrow_move_constructible_v<RwLock<int>>);
static_assert(!std::is_copy_assignable_v<RwLock<int>>);
static_assert(!std::is_move_constructible_v<RwLock<std::atomic<int>>>);

void poison_by_writer(const RwLock<int>& l) {
  try {
    auto w = l.write().unwrap();
    *w = 7;
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
}

TEST(RwLock, ReadersShareWritersExclude) {
  RwLock<int> l(1);
  {
    auto r1 = l.read().unwrap();
    auto r2 = l.read().unwrap();
    EXPECT_EQ(*r1 + *r2, 2);
    EXPECT_TRUE(l.try_read().is_ok());
    auto w = l.try_write();
    ASSERT_TRUE(w.is_err());
    EXPECT_TRUE(w.unwrap_err().is_would_block());
  }
  {
    auto w = l.write().unwrap();
    *w = 5;
    EXPECT_TRUE(l.try_read().unwrap_err().is_would_block());
    EXPECT_TRUE(l.try_write().unwrap_err().is_would_block());
  }
  EXPECT_EQ(*l.read().unwrap(), 5);
}

TEST(RwLock, ReadersReallyHoldAtTheSameTime) {
  RwLock<int> l(0);
  std::atomic<int> inside{0};
  std::atomic<int> arrived{0};
  std::atomic<int> max_inside{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 3; ++t) {
      s.spawn([&] {
        auto r = l.read().unwrap();
        const int n = inside.fetch_add(1) + 1;
        arrived.fetch_add(1);
        int m = max_inside.load();
        while (n > m && !max_inside.compare_exchange_weak(m, n)) {
        }
        // Wait (bounded) until all three readers are in.
        for (int i = 0; i < 5000 && arrived.load() < 3; ++i) fearless::thread::sleep(std::chrono::milliseconds(1));
        inside.fetch_sub(1);
      });
    }
  });
  EXPECT_EQ(max_inside.load(), 3);
}

TEST(RwLock, GuardsMove) {
  RwLock<std::string> l("a");
  auto w1 = l.write().unwrap();
  auto w2 = std::move(w1);
  w2->append("b");
  EXPECT_THROW((void)*w1, fearless::Panic);  // NOLINT(bugprone-use-after-move)
  { auto gone = std::move(w2); }
  auto r1 = l.read().unwrap();
  RwLockReadGuard<std::string> r2 = std::move(r1);
  EXPECT_EQ(*r2, "ab");
  EXPECT_THROW((void)*r1, fearless::Panic);  // NOLINT(bugprone-use-after-move)
}

TEST(RwLock, WriterExceptionPoisons) {
  RwLock<int> l(0);
  poison_by_writer(l);
  EXPECT_TRUE(l.is_poisoned());
  auto r = l.read();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(*r.unwrap_err().get_ref(), 7);
  EXPECT_STREQ(r.unwrap_err().what(), "poisoned lock: another task failed inside");
  { auto g = std::move(r).unwrap_err().into_inner(); }
  EXPECT_TRUE(l.write().is_err());
  EXPECT_TRUE(l.try_read().unwrap_err().is_poisoned());
  EXPECT_TRUE(l.try_write().unwrap_err().is_poisoned());
  l.clear_poison();
  EXPECT_FALSE(l.is_poisoned());
  EXPECT_TRUE(l.write().is_ok());
}

TEST(RwLock, UnwrapOnPoisonPanicsAndReleasesTheLock) {
  RwLock<int> l(0);
  poison_by_writer(l);
  EXPECT_EQ(sync_test::panic_message([&] { (void)l.read().unwrap(); }),
            "called `Result::unwrap()` on an `Err` value: poisoned lock: another task failed inside");
  EXPECT_EQ(sync_test::panic_message([&] { (void)l.write().expect("writer"); }),
            "writer: poisoned lock: another task failed inside");
  // Neither failed unwrap kept its lock: a writer gets in (poisoned, not WouldBlock).
  EXPECT_TRUE(l.try_write().unwrap_err().is_poisoned());
}

TEST(RwLock, ReaderExceptionDoesNotPoison) {
  RwLock<int> l(0);
  try {
    auto r = l.read().unwrap();
    throw std::runtime_error("reader failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(l.is_poisoned());
  EXPECT_TRUE(l.write().is_ok());
}

TEST(RwLock, PanicInSpawnedWriterPoisons) {
  RwLock<int> l(0);
  auto r = fearless::thread::scope([&](auto& s) {
    auto h = s.spawn([&] {
      auto w = l.write().unwrap();
      fearless::panic("writer died");
    });
    return h.join();
  });
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(l.is_poisoned());
}

TEST(RwLock, GetMutAndIntoInner) {
  RwLock<int> l(1);
  *l.get_mut().unwrap() = 2;
  EXPECT_EQ(*l.read().unwrap(), 2);
  poison_by_writer(l);
  EXPECT_TRUE(l.get_mut().is_err());
  auto v = std::move(l).into_inner();
  ASSERT_TRUE(v.is_err());
  EXPECT_EQ(std::move(v).unwrap_err().into_inner(), 7);
  RwLock<std::vector<int>> ok(std::vector<int>{1, 2});
  EXPECT_EQ(std::move(ok).into_inner().unwrap().size(), 2u);
}

TEST(RwLock, WaitingWriterBlocksNewReaders) {
  RwLock<int> l(0);
  auto r = l.read().unwrap();
  std::atomic<bool> writer_done{false};
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      *l.write().unwrap() = 1;
      writer_done = true;
    });
    // Once the writer is queued, new readers must not get in ahead of it.
    bool blocked = false;
    for (int i = 0; i < 5000 && !blocked; ++i) {
      auto t = l.try_read();
      if (t.is_err()) blocked = true;
      else fearless::thread::sleep(std::chrono::microseconds(200));
    }
    EXPECT_TRUE(blocked);
    EXPECT_FALSE(writer_done.load());
    { auto release = std::move(r); }
  });
  EXPECT_TRUE(writer_done.load());
  EXPECT_EQ(*l.read().unwrap(), 1);
}

TEST(RwLock, WritersAreNotStarvedByAStreamOfReaders) {
  RwLock<long> l(0);
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0};
  const int writes = static_cast<int>(sync_test::scaled(200, 20));
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 3; ++t) {
      s.spawn([&] {
        // Overlapping readers: without writer preference the lock would never be free.
        while (!stop.load()) {
          auto g = l.read().unwrap();
          reads.fetch_add(1);
          fearless::thread::yield_now();
        }
      });
    }
    while (reads.load() < 3) fearless::thread::yield_now();  // the readers are streaming now
    for (int i = 0; i < writes; ++i) *l.write().unwrap() += 1;
    stop = true;
  });
  EXPECT_EQ(*l.read().unwrap(), writes);
  EXPECT_GT(reads.load(), 0);
}

// A write unlock with a writer and readers asleep wakes the writer only: the
// readers get in after it (when it unlocks), not in a race with it.
TEST(RwLock, WriteUnlockWithAWriterAndReadersAsleepHandsTheLockToTheWriter) {
  RwLock<int> l(0);
  std::atomic<int> order{0};
  std::atomic<int> arrived{0};
  std::atomic<int> writer_pos{-1};
  auto w = l.write().unwrap();
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      arrived.fetch_add(1);
      auto g = l.write().unwrap();
      writer_pos = order.fetch_add(1);
      fearless::thread::sleep(std::chrono::milliseconds(20));  // readers woken with it would get in now
      *g = 1;
    });
    for (int i = 0; i < 3; ++i) {
      s.spawn([&] {
        arrived.fetch_add(1);
        auto g = l.read().unwrap();
        order.fetch_add(1);
        EXPECT_EQ(*g, 1);  // after the writer
      });
    }
    while (arrived.load() < 4) fearless::thread::yield_now();
    fearless::thread::sleep(std::chrono::milliseconds(300));  // all of them asleep on the lock
    { auto release = std::move(w); }
  });
  EXPECT_EQ(writer_pos.load(), 0);
  EXPECT_EQ(order.load(), 4);
}

TEST(RwLock, DowngradeKeepsWritersOutAndLetsReadersIn) {
  RwLock<int> l(0);
  auto w = l.write().unwrap();
  *w = 1;
  std::atomic<int> reader_saw{-1};
  std::atomic<bool> writer_in{false};
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] { reader_saw = *l.read().unwrap(); });  // sleeps on the write lock
    s.spawn([&] {
      fearless::thread::sleep(std::chrono::milliseconds(5));
      *l.write().unwrap() = 2;  // queued behind the downgraded reader
      writer_in = true;
    });
    fearless::thread::sleep(std::chrono::milliseconds(20));
    RwLockReadGuard<int> r = RwLockWriteGuard<int>::downgrade(std::move(w));
    EXPECT_EQ(*r, 1);  // no writer got in between
    for (int i = 0; i < 5000 && reader_saw.load() < 0; ++i) fearless::thread::sleep(std::chrono::microseconds(200));
    EXPECT_EQ(reader_saw.load(), 1);  // the sleeping reader joined us
    EXPECT_FALSE(writer_in.load());
  });
  EXPECT_TRUE(writer_in.load());
  EXPECT_EQ(*l.read().unwrap(), 2);
}

TEST(RwLock, ContentionExactTotals) {
  RwLock<std::vector<long>> l(std::vector<long>(4, 0));
  const std::size_t iters = sync_test::scaled(50000, 500);
  std::atomic<long> bad{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 2; ++t) {
      s.spawn([&] {
        for (std::size_t i = 0; i < iters; ++i) {
          auto w = l.write().unwrap();
          for (auto& x : *w) ++x;
        }
      });
      s.spawn([&] {
        for (std::size_t i = 0; i < iters; ++i) {
          auto r = l.read().unwrap();
          for (auto x : *r)
            if (x != (*r)[0]) bad.fetch_add(1);  // a torn write would show here
        }
      });
    }
  });
  EXPECT_EQ(bad.load(), 0);
  auto done = l.read().unwrap();  // named: a temporary guard would unlock before the loop body
  for (auto x : *done) EXPECT_EQ(x, static_cast<long>(2 * iters));
}

// --- Moving an RwLock ------------------------------------------------------

constexpr const char* kMovedWhileLocked =
    "cannot move an RwLock while it is locked (a guard on it is alive, or another thread holds it)";
constexpr const char* kAssignedWhileLocked =
    "cannot assign to an RwLock while it is locked (a guard on it is alive, or another thread holds it)";

TEST(RwLock, MoveConstructionCarriesTheValueAndThePoisonFlag) {
  RwLock<std::unique_ptr<int>> a(std::make_unique<int>(42));
  RwLock<std::unique_ptr<int>> b(std::move(a));
  EXPECT_EQ(**b.read().unwrap(), 42);
  EXPECT_FALSE(b.is_poisoned());
  auto w = a.try_write();  // NOLINT(bugprone-use-after-move): unlocked, moved-from
  ASSERT_TRUE(w.is_ok());
  EXPECT_EQ(*std::move(w).unwrap(), nullptr);

  RwLock<int> p(0);
  poison_by_writer(p);  // leaves 7 behind
  RwLock<int> q(std::move(p));
  EXPECT_TRUE(q.is_poisoned());
  EXPECT_TRUE(p.is_poisoned());  // NOLINT(bugprone-use-after-move): the source keeps its flag
  EXPECT_EQ(*q.read().unwrap_err().get_ref(), 7);
  q.clear_poison();
  EXPECT_TRUE(p.is_poisoned());
}

TEST(RwLock, VectorOfRwLocksKeepsEveryValueAcrossReallocations) {
  std::vector<RwLock<std::string>> v;
  for (int i = 0; i < 300; ++i) v.emplace_back(std::to_string(i));
  for (int i = 0; i < 300; ++i) {
    auto w = v[static_cast<std::size_t>(i)].try_write();
    ASSERT_TRUE(w.is_ok()) << i;
    EXPECT_EQ(*std::move(w).unwrap(), std::to_string(i));
  }
}

TEST(RwLock, MovingWhileReadOrWriteLockedPanicsAndLeavesItIntact) {
  RwLock<std::string> l("keep");
  {
    auto r = l.read().unwrap();
    EXPECT_EQ(sync_test::panic_message([&] { RwLock<std::string> other(std::move(l)); }), kMovedWhileLocked);
    EXPECT_EQ(*r, "keep");
    EXPECT_TRUE(l.try_write().unwrap_err().is_would_block());  // still read-locked by r
    EXPECT_TRUE(l.try_read().is_ok());
  }
  {
    auto w = l.write().unwrap();
    EXPECT_EQ(sync_test::panic_message([&] { RwLock<std::string> other(std::move(l)); }), kMovedWhileLocked);
    EXPECT_TRUE(l.try_read().unwrap_err().is_would_block());  // still write-locked by w
    w->append("!");
  }
  EXPECT_FALSE(l.is_poisoned());
  RwLock<std::string> moved(std::move(l));
  EXPECT_EQ(*moved.read().unwrap(), "keep!");
}

TEST(RwLock, ThrowingValueMoveLeavesTheSourceUnlockedAndUsable) {
  struct ThrowingMove {
    int value;
    explicit ThrowingMove(int v) : value(v) {}
    ThrowingMove(ThrowingMove&&) { throw std::runtime_error("move failed"); }  // NOLINT: throws on purpose
    ThrowingMove& operator=(ThrowingMove&&) { throw std::runtime_error("move failed"); }
  };
  RwLock<ThrowingMove> l(7);
  EXPECT_THROW({ RwLock<ThrowingMove> other(std::move(l)); }, std::runtime_error);
  RwLock<ThrowingMove> target(1);
  EXPECT_THROW(target = std::move(l), std::runtime_error);
  EXPECT_EQ(l.write().unwrap()->value, 7);  // NOLINT(bugprone-use-after-move): both moves failed
  EXPECT_EQ(target.write().unwrap()->value, 1);
  EXPECT_FALSE(l.is_poisoned());
  EXPECT_FALSE(target.is_poisoned());
}

TEST(RwLock, MoveAssignmentCarriesTheValueAndThePoisonFlag) {
  RwLock<int> clean(1);
  RwLock<int> poisoned(2);
  poison_by_writer(poisoned);  // now holds 7
  clean = std::move(poisoned);
  EXPECT_TRUE(clean.is_poisoned());
  EXPECT_TRUE(poisoned.is_poisoned());  // NOLINT(bugprone-use-after-move): the source keeps its flag
  EXPECT_EQ(*clean.read().unwrap_err().get_ref(), 7);
  RwLock<int> fresh(3);
  clean = std::move(fresh);
  EXPECT_FALSE(clean.is_poisoned());
  EXPECT_EQ(*clean.read().unwrap(), 3);
  RwLock<int>& alias = clean;
  clean = std::move(alias);  // self-assignment does nothing
  EXPECT_EQ(*clean.try_write().unwrap(), 3);
}

TEST(RwLock, MoveAssignmentPanicsIfEitherSideIsLockedAndReleasesWhatItTook) {
  RwLock<int> target(1);
  RwLock<int> source(2);
  {
    auto r = source.read().unwrap();
    EXPECT_EQ(sync_test::panic_message([&] { target = std::move(source); }), kMovedWhileLocked);
    EXPECT_TRUE(target.try_write().is_ok());  // taken first, released again
  }
  {
    auto r = target.read().unwrap();
    EXPECT_EQ(sync_test::panic_message([&] { target = std::move(source); }), kAssignedWhileLocked);
    EXPECT_TRUE(source.try_write().is_ok());
  }
  {
    auto w = target.write().unwrap();
    EXPECT_EQ(sync_test::panic_message([&] { target = std::move(source); }), kAssignedWhileLocked);
  }
  EXPECT_EQ(*target.read().unwrap(), 1);
  EXPECT_EQ(*source.read().unwrap(), 2);
}

// Rust's RwLock::new is a const fn; the constructors here are constexpr.
constinit RwLock<int> g_rw(5);

TEST(RwLock, ConstinitGlobal) {
  *g_rw.write().unwrap() += 1;
  EXPECT_EQ(*g_rw.read().unwrap(), 6);
}

}  // namespace
