// The opt-in lock-order checker (fearless/lock_order.hpp): potential deadlocks
// are reported the first time locks are taken in inconsistent orders, even in
// runs that do not deadlock.
#ifndef FEARLESS_LOCK_ORDER
#  define FEARLESS_LOCK_ORDER 1
#endif
#include "fearless/lock_order.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fearless/sync/condvar.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/nonpoison.hpp"
#include "fearless/sync/rwlock.hpp"
#include "fearless/thread.hpp"

namespace {

using fearless::sync::Mutex;
namespace lock_order = fearless::lock_order;

static_assert(lock_order::enabled);

// Collects reports instead of aborting, for the duration of one test.
class LockOrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = lock_order::set_handler([this](const lock_order::Report& r) {
      std::lock_guard<std::mutex> g(m_);
      reports_.push_back(r);
    });
  }
  void TearDown() override { lock_order::set_handler(std::move(previous_)); }

  std::vector<lock_order::Report> reports() {
    std::lock_guard<std::mutex> g(m_);
    return reports_;
  }

  // Runs f on a new thread with the given name and joins it.
  template <class F>
  static void on_thread(const char* name, F f) {
    fearless::thread::Builder().name(name).spawn(std::move(f)).unwrap().join().unwrap();
  }

 private:
  lock_order::Handler previous_;
  std::mutex m_;
  std::vector<lock_order::Report> reports_;
};

TEST_F(LockOrderTest, AbbaIsReportedWithBothSitesAndThreads) {
  Mutex<int> a(1);
  Mutex<int> b(2);
  unsigned line_ab = 0;
  unsigned line_ba = 0;
  on_thread("first", [&] {
    auto ga = a.lock().unwrap();
    line_ab = __LINE__ + 1;
    auto gb = b.lock().unwrap();
  });
  EXPECT_TRUE(reports().empty());
  on_thread("second", [&] {
    auto gb = b.lock().unwrap();
    line_ba = __LINE__ + 1;
    auto ga = a.lock().unwrap();
  });
  auto rs = reports();
  ASSERT_EQ(rs.size(), 1u);
  const auto& c = rs[0].cycle;
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].thread, "second");
  EXPECT_EQ(c[0].acquired_line, line_ba);
  EXPECT_EQ(c[0].held_line, line_ba - 2);
  EXPECT_EQ(c[1].thread, "first");
  EXPECT_EQ(c[1].acquired_line, line_ab);
  EXPECT_EQ(c[1].held_line, line_ab - 2);
  EXPECT_EQ(c[0].held, c[1].acquired);
  EXPECT_EQ(c[0].acquired, c[1].held);
  EXPECT_NE(std::string(c[0].acquired_file).find("sync_lock_order_test.cpp"), std::string::npos);
  const std::string msg = rs[0].message();
  EXPECT_NE(msg.find("potential deadlock"), std::string::npos);
  EXPECT_NE(msg.find("'first'"), std::string::npos);
  EXPECT_NE(msg.find("'second'"), std::string::npos);
  EXPECT_NE(msg.find("sync_lock_order_test.cpp:" + std::to_string(line_ab)), std::string::npos);
  EXPECT_NE(msg.find("sync_lock_order_test.cpp:" + std::to_string(line_ba)), std::string::npos);
}

TEST_F(LockOrderTest, ReportedOnceThenQuiet) {
  Mutex<int> a;
  Mutex<int> b;
  {
    auto ga = a.lock().unwrap();
    auto gb = b.lock().unwrap();
  }
  for (int i = 0; i < 3; ++i) {
    auto gb = b.lock().unwrap();
    auto ga = a.lock().unwrap();
  }
  EXPECT_EQ(reports().size(), 1u);
}

TEST_F(LockOrderTest, ThreeLockCycleIsReported) {
  Mutex<int> a;
  Mutex<int> b;
  Mutex<int> c;
  on_thread("t1", [&] {
    auto ga = a.lock().unwrap();
    auto gb = b.lock().unwrap();
  });
  on_thread("t2", [&] {
    auto gb = b.lock().unwrap();
    auto gc = c.lock().unwrap();
  });
  EXPECT_TRUE(reports().empty());  // A->B and B->C alone are consistent
  on_thread("t3", [&] {
    auto gc = c.lock().unwrap();
    auto ga = a.lock().unwrap();
  });
  auto rs = reports();
  ASSERT_EQ(rs.size(), 1u);
  const auto& cy = rs[0].cycle;
  ASSERT_EQ(cy.size(), 3u);
  EXPECT_EQ(cy[0].thread, "t3");
  EXPECT_EQ(cy[1].thread, "t1");
  EXPECT_EQ(cy[2].thread, "t2");
  // The edges chain into a cycle: C->A, A->B, B->C.
  EXPECT_EQ(cy[0].acquired, cy[1].held);
  EXPECT_EQ(cy[1].acquired, cy[2].held);
  EXPECT_EQ(cy[2].acquired, cy[0].held);
  EXPECT_NE(rs[0].message().find("cycle of 3 locks"), std::string::npos);
}

TEST_F(LockOrderTest, ConsistentOrderingIsQuiet) {
  Mutex<int> a;
  Mutex<int> b;
  Mutex<int> c;
  auto worker = [&] {
    for (int i = 0; i < 100; ++i) {
      auto ga = a.lock().unwrap();
      auto gb = b.lock().unwrap();
      auto gc = c.lock().unwrap();
      ++*gc;
    }
    auto ga = a.lock().unwrap();  // skipping one keeps the order
    auto gc = c.lock().unwrap();
  };
  auto h1 = fearless::thread::spawn(worker);
  auto h2 = fearless::thread::spawn(worker);
  h1.join().unwrap();
  h2.join().unwrap();
  EXPECT_EQ(*c.lock().unwrap(), 200);
  EXPECT_TRUE(reports().empty());
}

TEST_F(LockOrderTest, ReleasingOutOfOrderKeepsTheStackRight) {
  Mutex<int> a;
  Mutex<int> b;
  Mutex<int> c;
  {
    auto ga = a.lock().unwrap();
    auto gb = b.lock().unwrap();
    { auto drop = std::move(ga); }  // A released first, B still held
    auto gc = c.lock().unwrap();    // B->C only
  }
  {
    auto gc = c.lock().unwrap();
    auto ga = a.lock().unwrap();  // C->A closes A->B->C->A
  }
  // Only A->B and B->C were recorded (A was released before C was taken), so
  // the cycle found is the 3-lock one, not a direct A->C inversion.
  auto rs = reports();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].cycle.size(), 3u);
}

// A mapped guard releases its lock for the checker too: had `a` stayed on
// the held stack after its mapped guard went, taking b then a would record
// a->b and b->a and report a cycle.
TEST_F(LockOrderTest, MappedGuardsReleaseTheirLock) {
  auto id = [](auto& x) -> auto& { return x; };
  Mutex<int> a;
  Mutex<int> b;
  { auto ga = fearless::sync::MutexGuard<int>::map(a.lock().unwrap(), id); }
  {
    auto gb = b.lock().unwrap();
    auto ga = a.lock().unwrap();
  }
  fearless::sync::RwLock<int> c;
  fearless::sync::RwLock<int> d;
  { auto gc = fearless::sync::RwLockWriteGuard<int>::map(c.write().unwrap(), id); }
  { auto gc = fearless::sync::RwLockReadGuard<int>::map(c.read().unwrap(), id); }
  {
    auto gd = d.write().unwrap();
    auto gc = c.write().unwrap();
  }
  fearless::sync::nonpoison::Mutex<int> e;
  fearless::sync::nonpoison::Mutex<int> f;
  { auto ge = fearless::sync::nonpoison::MutexGuard<int>::map(e.lock(), id); }
  {
    auto gf = f.lock();
    auto ge = e.lock();
  }
  EXPECT_TRUE(reports().empty());
}

TEST_F(LockOrderTest, TryLockNeverReports) {
  Mutex<int> a;
  Mutex<int> b;
  {
    auto ga = a.lock().unwrap();
    auto gb = b.lock().unwrap();
  }
  {
    auto gb = b.lock().unwrap();
    auto ga = a.try_lock();  // cannot block: the back-off cure for inversions
    EXPECT_TRUE(ga.is_ok());
  }
  EXPECT_TRUE(reports().empty());
}

TEST_F(LockOrderTest, DestroyedLocksAreForgotten) {
  auto a = std::make_unique<Mutex<int>>();
  auto b = std::make_unique<Mutex<int>>();
  {
    auto ga = a->lock().unwrap();
    auto gb = b->lock().unwrap();
  }
  b.reset();
  // A new lock, possibly at the old address, has no history.
  auto b2 = std::make_unique<Mutex<int>>();
  {
    auto gb = b2->lock().unwrap();
    auto ga = a->lock().unwrap();
  }
  EXPECT_TRUE(reports().empty());
}

TEST_F(LockOrderTest, HandlerMayTakeFearlessLocks) {
  Mutex<int> a;
  Mutex<int> b;
  Mutex<int> log;
  lock_order::set_handler([&](const lock_order::Report&) { ++*log.lock().unwrap(); });
  {
    auto ga = a.lock().unwrap();
    auto gb = b.lock().unwrap();
  }
  {
    auto gb = b.lock().unwrap();
    auto ga = a.lock().unwrap();
  }
  EXPECT_EQ(*log.lock().unwrap(), 1);
}

TEST_F(LockOrderTest, RwLockReadAndWriteOrdersAreChecked) {
  fearless::sync::RwLock<int> a(0);
  fearless::sync::RwLock<int> b(0);
  on_thread("reader", [&] {
    auto ra = a.read().unwrap();
    auto wb = b.write().unwrap();
  });
  on_thread("writer", [&] {
    auto rb = b.read().unwrap();
    auto wa = a.write().unwrap();
  });
  auto rs = reports();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].cycle[0].thread, "writer");
  EXPECT_EQ(rs[0].cycle[1].thread, "reader");
}

TEST_F(LockOrderTest, MixedLockKindsFormOneGraph) {
  Mutex<int> m;
  fearless::sync::RwLock<int> rw(0);
  fearless::sync::nonpoison::Mutex<int> np(0);
  {
    auto g1 = m.lock().unwrap();
    auto g2 = rw.read().unwrap();
  }
  {
    auto g2 = rw.write().unwrap();
    auto g3 = np.lock();
  }
  {
    auto g3 = np.lock();
    auto g1 = m.lock().unwrap();  // m -> rw -> np -> m
  }
  auto rs = reports();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].cycle.size(), 3u);
}

TEST_F(LockOrderTest, CondvarWaitWithOnlyItsMutexIsQuiet) {
  Mutex<int> m(0);
  Mutex<int> other(0);
  fearless::sync::Condvar cv;
  auto producer = fearless::thread::spawn([&] {
    for (int i = 0; i < 50; ++i) {
      {
        auto g = m.lock().unwrap();
        ++*g;
        auto o = other.lock().unwrap();  // m -> other, always
        ++*o;
      }
      cv.notify_all();
    }
  });
  {
    auto g = m.lock().unwrap();
    g = cv.wait_while(std::move(g), [](int& v) { return v < 50; }).unwrap();
    auto o = other.lock().unwrap();  // after the wait, m is held again: m -> other
    EXPECT_EQ(*o, 50);
  }
  producer.join().unwrap();
  EXPECT_TRUE(reports().empty());
}

TEST_F(LockOrderTest, CondvarWaitHoldsTheMutexAgainAfterwards) {
  Mutex<int> m(0);
  Mutex<int> n(0);
  fearless::sync::Condvar cv;
  {
    auto g = m.lock().unwrap();
    auto r = cv.wait_timeout(std::move(g), std::chrono::milliseconds(1)).unwrap();
    auto gn = n.lock().unwrap();  // m (reacquired by the wait) -> n
  }
  {
    auto gn = n.lock().unwrap();
    auto g = m.lock().unwrap();  // n -> m: inverts the order seen after the wait
  }
  EXPECT_EQ(reports().size(), 1u);
}

TEST_F(LockOrderTest, WaitingWhileHoldingAnotherLockIsReported) {
  // The wait's reacquisition of m happens while b is held (b -> m), but b
  // was taken while holding m (m -> b): whoever must take m and then b to
  // notify can deadlock against the waiter.
  Mutex<int> m(0);
  Mutex<int> b(0);
  fearless::sync::Condvar cv;
  {
    auto g = m.lock().unwrap();
    auto gb = b.lock().unwrap();
    auto r = cv.wait_timeout(std::move(g), std::chrono::milliseconds(1)).unwrap();
  }
  auto rs = reports();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].cycle.size(), 2u);
}

using LockOrderDeathTest = LockOrderTest;

TEST_F(LockOrderDeathTest, DefaultHandlerAbortsWithTheReport) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        lock_order::set_handler(nullptr);
        Mutex<int> a;
        Mutex<int> b;
        {
          auto ga = a.lock().unwrap();
          auto gb = b.lock().unwrap();
        }
        auto gb = b.lock().unwrap();
        auto ga = a.lock().unwrap();
      },
      "potential deadlock.*\n.*now:     thread 'main' acquires lock");
}

}  // namespace
