// nonpoison::{Mutex, RwLock, Condvar}: the guard comes back directly, an
// exception unwinding past a guard unlocks without poisoning, try_* give
// WouldBlock, the Condvar waits through a guard reference, and all three move
// as the poisoning types do.
#include "fearless/sync/nonpoison.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using namespace std::chrono_literals;
namespace np = fearless::sync::nonpoison;

static_assert(sizeof(np::Mutex<int>) <= 8);
static_assert(sizeof(np::Condvar) == 8);
static_assert(std::is_same_v<decltype(std::declval<const np::Mutex<int>&>().lock()), np::MutexGuard<int>>);
// Movable as the poisoning types are; never noexcept (a move of a held lock panics).
static_assert(std::is_move_constructible_v<np::Mutex<int>> && std::is_move_assignable_v<np::Mutex<int>>);
static_assert(std::is_move_constructible_v<np::RwLock<int>> && std::is_move_assignable_v<np::RwLock<int>>);
static_assert(std::is_move_constructible_v<np::Condvar> && std::is_move_assignable_v<np::Condvar>);
static_assert(!std::is_nothrow_move_constructible_v<np::Mutex<int>>);
static_assert(!std::is_copy_constructible_v<np::Mutex<int>> && !std::is_copy_constructible_v<np::RwLock<int>>);
static_assert(!std::is_copy_constructible_v<np::Condvar>);
static_assert(std::is_same_v<decltype(std::declval<const np::Mutex<int>&>().try_lock()),
                             fearless::Result<np::MutexGuard<int>, np::WouldBlock>>);

TEST(NonpoisonMutex, LockReturnsTheGuard) {
  np::Mutex<int> m(0);
  *m.lock() += 1;
  {
    auto g = m.lock();
    *g += 1;
    auto r = m.try_lock();
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(r.unwrap_err(), np::WouldBlock{});
    EXPECT_STREQ(r.unwrap_err().what(), "try_lock failed because the operation would block");
  }
  EXPECT_EQ(*m.try_lock().unwrap(), 2);
  m.get_mut() = 10;
  EXPECT_EQ(std::move(m).into_inner(), 10);
}

TEST(NonpoisonMutex, ExceptionUnlocksWithoutPoisoning) {
  np::Mutex<std::string> m("a");
  try {
    auto g = m.lock();
    g->append("b");
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(*m.lock(), "ab");
  auto h = fearless::thread::spawn([&] {
    auto g = m.lock();
    fearless::panic("thread panics holding the lock");
  });
  EXPECT_TRUE(h.join().is_err());
  EXPECT_EQ(*m.lock(), "ab");  // usable, no error
}

TEST(NonpoisonMutex, GuardMove) {
  np::Mutex<int> m(4);
  auto g = m.lock();
  auto g2 = std::move(g);
  EXPECT_EQ(*g2, 4);
  EXPECT_THROW((void)*g, fearless::Panic);  // NOLINT(bugprone-use-after-move)
}

TEST(NonpoisonMutex, ContentionExactTotal) {
  np::Mutex<long> m(0);
  const std::size_t iters = sync_test::scaled(100000, 1000);
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 4; ++t) s.spawn([&] {
      for (std::size_t i = 0; i < iters; ++i) *m.lock() += 1;
    });
  });
  EXPECT_EQ(*m.lock(), static_cast<long>(4 * iters));
}

TEST(NonpoisonRwLock, ReadWriteTryAndNoPoison) {
  np::RwLock<int> l(1);
  {
    auto r1 = l.read();
    auto r2 = l.try_read().unwrap();
    EXPECT_EQ(*r1 + *r2, 2);
    EXPECT_EQ(l.try_write().unwrap_err(), np::WouldBlock{});
  }
  try {
    auto w = l.write();
    *w = 3;
    throw 1;
  } catch (int) {
  }
  EXPECT_EQ(*l.read(), 3);
  {
    auto w = l.try_write().unwrap();
    EXPECT_TRUE(l.try_read().is_err());
  }
  l.get_mut() = 4;
  EXPECT_EQ(std::move(l).into_inner(), 4);
}

TEST(NonpoisonRwLock, Downgrade) {
  np::RwLock<int> l(0);
  auto w = l.write();
  *w = 3;
  auto r = np::RwLockWriteGuard<int>::downgrade(std::move(w));
  EXPECT_EQ(*r, 3);
  EXPECT_TRUE(l.try_read().is_ok());
  EXPECT_TRUE(l.try_write().is_err());
}

TEST(NonpoisonRwLock, ExactTotals) {
  np::RwLock<long> l(0);
  const std::size_t iters = sync_test::scaled(50000, 500);
  std::atomic<long> last_seen{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 2; ++t) {
      s.spawn([&] {
        for (std::size_t i = 0; i < iters; ++i) *l.write() += 1;
      });
      s.spawn([&] {
        for (std::size_t i = 0; i < iters; ++i) last_seen = *l.read();
      });
    }
  });
  EXPECT_EQ(*l.read(), static_cast<long>(2 * iters));
  EXPECT_LE(last_seen.load(), static_cast<long>(2 * iters));
}

TEST(NonpoisonCondvar, WaitThroughAGuardReference) {
  np::Mutex<int> m(0);
  np::Condvar cv;
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      fearless::thread::sleep(5ms);
      *m.lock() = 1;
      cv.notify_one();
    });
    auto g = m.lock();
    while (*g == 0) cv.wait(g);
    EXPECT_EQ(*g, 1);
  });
}

TEST(NonpoisonCondvar, WaitWhileAndTimeouts) {
  np::Mutex<int> m(0);
  np::Condvar cv;
  {
    auto g = m.lock();
    EXPECT_TRUE(cv.wait_timeout(g, 5ms).timed_out());
    EXPECT_TRUE(cv.wait_timeout(g, -1s).timed_out());
    EXPECT_TRUE(cv.wait_timeout_while(g, 5ms, [](int& v) { return v == 0; }).timed_out());
    EXPECT_FALSE(cv.wait_timeout_while(g, 5ms, [](int& v) { return v != 0; }).timed_out());
    EXPECT_EQ(*g, 0);
  }
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 3; ++t) {
      s.spawn([&] {
        auto g = m.lock();
        cv.wait_while(g, [](int& v) { return v < 5; });
        EXPECT_GE(*g, 5);
      });
    }
    for (int i = 0; i < 5; ++i) {
      *m.lock() += 1;
      cv.notify_all();
    }
  });
  auto g = m.lock();
  EXPECT_FALSE(cv.wait_timeout_while(g, std::chrono::nanoseconds::max(), [](int& v) { return v < 5; }).timed_out());
}

TEST(NonpoisonCondvar, PingPongNoLostWakeups) {
  np::Mutex<int> turn(0);
  np::Condvar cv;
  const int rounds = static_cast<int>(sync_test::scaled(20000, 200));
  fearless::thread::scope([&](auto& s) {
    for (int me = 0; me < 2; ++me) {
      s.spawn([&, me] {
        for (int i = 0; i < rounds; ++i) {
          auto g = turn.lock();
          cv.wait_while(g, [&](int& t) { return t % 2 != me; });
          ++*g;
          cv.notify_one();
        }
      });
    }
  });
  EXPECT_EQ(*turn.lock(), 2 * rounds);
}

// --- Moving the nonpoison locks --------------------------------------------

constexpr const char* kMutexMovedWhileLocked =
    "cannot move a Mutex while it is locked (a guard on it is alive, or another thread holds it)";
constexpr const char* kMutexAssignedWhileLocked =
    "cannot assign to a Mutex while it is locked (a guard on it is alive, or another thread holds it)";
constexpr const char* kRwLockMovedWhileLocked =
    "cannot move an RwLock while it is locked (a guard on it is alive, or another thread holds it)";
constexpr const char* kRwLockAssignedWhileLocked =
    "cannot assign to an RwLock while it is locked (a guard on it is alive, or another thread holds it)";

// A value whose move constructor and move assignment throw.
struct ThrowingMove {
  int value;
  explicit ThrowingMove(int v) : value(v) {}
  ThrowingMove(ThrowingMove&&) { throw std::runtime_error("move failed"); }  // NOLINT: throws on purpose
  ThrowingMove& operator=(ThrowingMove&&) { throw std::runtime_error("move failed"); }
};

TEST(NonpoisonMutex, MoveCarriesTheValueAndLeavesAnUnlockedMovedFromSource) {
  np::Mutex<std::unique_ptr<int>> a(std::make_unique<int>(42));
  np::Mutex<std::unique_ptr<int>> b(std::move(a));
  EXPECT_EQ(**b.lock(), 42);
  EXPECT_EQ(*a.try_lock().unwrap(), nullptr);  // NOLINT(bugprone-use-after-move): unlocked, moved-from
  np::Mutex<std::unique_ptr<int>> c(std::make_unique<int>(1));
  c = std::move(b);
  EXPECT_EQ(**c.lock(), 42);
  EXPECT_EQ(*b.try_lock().unwrap(), nullptr);  // NOLINT(bugprone-use-after-move)
  np::Mutex<std::unique_ptr<int>>& alias = c;
  c = std::move(alias);  // self-assignment does nothing
  EXPECT_EQ(**c.try_lock().unwrap(), 42);

  std::vector<np::Mutex<int>> v;
  for (int i = 0; i < 500; ++i) v.emplace_back(i);  // reallocates many times
  for (int i = 0; i < 500; ++i) EXPECT_EQ(*v[static_cast<std::size_t>(i)].try_lock().unwrap(), i);
}

TEST(NonpoisonMutex, MovingWhileLockedPanicsAndLeavesItIntact) {
  np::Mutex<std::string> m("keep");
  np::Mutex<std::string> other("other");
  {
    auto g = m.lock();
    EXPECT_EQ(sync_test::panic_message([&] { np::Mutex<std::string> n(std::move(m)); }), kMutexMovedWhileLocked);
    EXPECT_EQ(sync_test::panic_message([&] { other = std::move(m); }), kMutexMovedWhileLocked);
    EXPECT_EQ(sync_test::panic_message([&] { m = std::move(other); }), kMutexAssignedWhileLocked);
    EXPECT_EQ(*g, "keep");
    EXPECT_TRUE(m.try_lock().is_err());  // still held by g
    EXPECT_EQ(*other.try_lock().unwrap(), "other");  // released after the failed assignment
  }
  np::Mutex<std::string> moved(std::move(m));
  EXPECT_EQ(*moved.lock(), "keep");
}

TEST(NonpoisonMutex, ThrowingValueMoveLeavesTheSourceUnlocked) {
  np::Mutex<ThrowingMove> m(7);
  np::Mutex<ThrowingMove> target(1);
  EXPECT_THROW({ np::Mutex<ThrowingMove> n(std::move(m)); }, std::runtime_error);
  EXPECT_THROW(target = std::move(m), std::runtime_error);
  EXPECT_EQ(m.lock()->value, 7);  // NOLINT(bugprone-use-after-move): both moves failed
  EXPECT_EQ(target.lock()->value, 1);
}

TEST(NonpoisonRwLock, MoveCarriesTheValueAndPanicsWhileLocked) {
  np::RwLock<std::string> a("value");
  np::RwLock<std::string> b(std::move(a));
  EXPECT_EQ(*b.read(), "value");
  EXPECT_TRUE(a.try_write().is_ok());  // NOLINT(bugprone-use-after-move): unlocked, moved-from
  a = std::move(b);
  EXPECT_EQ(*a.read(), "value");
  {
    auto r = a.read();
    EXPECT_EQ(sync_test::panic_message([&] { np::RwLock<std::string> n(std::move(a)); }), kRwLockMovedWhileLocked);
    EXPECT_EQ(sync_test::panic_message([&] { a = std::move(b); }), kRwLockAssignedWhileLocked);
    EXPECT_TRUE(b.try_write().is_ok());  // released after the failed assignment
  }
  {
    auto w = a.write();
    EXPECT_EQ(sync_test::panic_message([&] { np::RwLock<std::string> n(std::move(a)); }), kRwLockMovedWhileLocked);
    EXPECT_EQ(sync_test::panic_message([&] { b = std::move(a); }), kRwLockMovedWhileLocked);
    EXPECT_EQ(*w, "value");
  }
  np::RwLock<ThrowingMove> t(3);
  EXPECT_THROW({ np::RwLock<ThrowingMove> n(std::move(t)); }, std::runtime_error);
  EXPECT_EQ(t.write()->value, 3);  // NOLINT(bugprone-use-after-move): the move failed, t is unlocked

  std::vector<np::RwLock<int>> v;
  for (int i = 0; i < 300; ++i) v.emplace_back(i);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(*v[static_cast<std::size_t>(i)].try_read().unwrap(), i);
}

TEST(NonpoisonCondvar, MovedCondvarWorksAndMovingOneWithAWaiterPanics) {
  np::Condvar a;
  np::Condvar cv(std::move(a));
  np::Mutex<std::pair<bool, bool>> m;  // (waiting, go)
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      auto g = m.lock();
      g->first = true;
      cv.wait_while(g, [](std::pair<bool, bool>& st) { return !st.second; });
    });
    // Holding the mutex and seeing `waiting` means the waiter registered on cv
    // and released the mutex inside wait(); a spurious wake-up could take it
    // out for a moment (it cannot get back in while we hold the mutex): retry.
    for (;;) {
      auto g = m.lock();
      if (!g->first) {
        { auto unlocked = std::move(g); }
        fearless::thread::yield_now();
        continue;
      }
      np::Condvar other;
      const std::string moved = sync_test::panic_message([&] { np::Condvar c(std::move(cv)); });
      const std::string into = sync_test::panic_message([&] { cv = std::move(other); });
      if (moved == "<no panic>" || into == "<no panic>") continue;
      EXPECT_EQ(moved, "cannot move a Condvar while threads wait on it");
      EXPECT_EQ(into, "cannot move a Condvar while threads wait on it");
      g->second = true;
      cv.notify_all();
      break;
    }
  });
  np::Condvar after(std::move(cv));  // nobody waits any more
  auto g = m.lock();
  EXPECT_TRUE(after.wait_timeout(g, 0ms).timed_out());
}

constinit fearless::sync::nonpoison::Mutex<int> g_np_mutex(1);
constinit fearless::sync::nonpoison::RwLock<int> g_np_rw;

TEST(NonpoisonMutex, ConstinitGlobals) {
  *g_np_mutex.lock() += 1;
  *g_np_rw.write() += 4;
  EXPECT_EQ(*g_np_mutex.lock(), 2);
  EXPECT_EQ(*g_np_rw.read(), 4);
}

}  // namespace
