// nonpoison::{Mutex, RwLock, Condvar}: the guard comes back directly, an
// exception unwinding past a guard unlocks without poisoning, try_* give
// WouldBlock, the Condvar waits through a guard reference.
#include "fearless/sync/nonpoison.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using namespace std::chrono_literals;
namespace np = fearless::sync::nonpoison;

static_assert(sizeof(np::Mutex<int>) <= 8);
static_assert(sizeof(np::Condvar) == 8);
static_assert(std::is_same_v<decltype(std::declval<const np::Mutex<int>&>().lock()), np::MutexGuard<int>>);
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

constinit fearless::sync::nonpoison::Mutex<int> g_np_mutex(1);
constinit fearless::sync::nonpoison::RwLock<int> g_np_rw;

TEST(NonpoisonMutex, ConstinitGlobals) {
  *g_np_mutex.lock() += 1;
  *g_np_rw.write() += 4;
  EXPECT_EQ(*g_np_mutex.lock(), 2);
  EXPECT_EQ(*g_np_rw.read(), 4);
}

}  // namespace
