// Condvar: wait / wait_while / wait_timeout / wait_timeout_while, notify_one /
// notify_all, producer/consumer with exact counts, no lost wake-ups,
// poisoning seen on wake-up, timeouts of every size, and moving a Condvar
// (fresh when nobody waits, a panic when somebody does).
#include "fearless/sync/condvar.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "fearless/sync/arc.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

namespace {

using namespace std::chrono_literals;
using fearless::sync::Arc;
using fearless::sync::Condvar;
using fearless::sync::Mutex;

static_assert(sizeof(Condvar) == 8);
static_assert(!std::is_copy_constructible_v<Condvar>);
// Movable while nobody waits on it; never noexcept (a move of one that a
// thread waits on panics).
static_assert(std::is_move_constructible_v<Condvar>);
static_assert(std::is_move_assignable_v<Condvar>);
static_assert(!std::is_nothrow_move_constructible_v<Condvar>);

TEST(Condvar, SeedStyleWaitWhile) {
  // Rust docs: a pair (Mutex<bool>, Condvar); a spawned thread sets the flag.
  struct Pair {
    Mutex<bool> started{false};
    Condvar cv;
  };
  auto pair = Arc<Pair>::make();
  auto h = fearless::thread::spawn([pair2 = pair.clone()] {
    *pair2->started.lock().unwrap() = true;
    pair2->cv.notify_one();
  });
  auto g = pair->cv.wait_while(pair->started.lock().unwrap(), [](bool& s) { return !s; }).unwrap();
  EXPECT_TRUE(*g);
  h.join().unwrap();
}

TEST(Condvar, WaitLoop) {
  Mutex<int> m(0);
  Condvar cv;
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      fearless::thread::sleep(5ms);
      *m.lock().unwrap() = 1;
      cv.notify_all();
    });
    auto g = m.lock().unwrap();
    while (*g == 0) g = cv.wait(std::move(g)).unwrap();
    EXPECT_EQ(*g, 1);
  });
}

TEST(Condvar, WaitWhileChecksBeforeWaiting) {
  Mutex<int> m(3);
  Condvar cv;
  int calls = 0;
  auto g = cv.wait_while(m.lock().unwrap(), [&](int& v) {
    ++calls;
    return v != 3;
  });
  EXPECT_TRUE(g.is_ok());
  EXPECT_EQ(calls, 1);
}

TEST(Condvar, WaitTimeoutTimesOut) {
  Mutex<int> m(0);
  Condvar cv;
  const auto start = std::chrono::steady_clock::now();
  auto [g, res] = cv.wait_timeout(m.lock().unwrap(), 20ms).unwrap();
  EXPECT_TRUE(res.timed_out());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_EQ(*g, 0);  // the lock is held again
  EXPECT_TRUE(m.try_lock().is_err());
}

TEST(Condvar, TimeoutsOfEverySize) {
  Mutex<int> m(0);
  Condvar cv;
  auto g = m.lock().unwrap();
  for (auto d : {0ns, -5ns, std::chrono::nanoseconds::min()}) {
    auto r = cv.wait_timeout(std::move(g), d).unwrap();
    EXPECT_TRUE(r.second.timed_out());
    g = std::move(r.first);
  }
  auto r = cv.wait_timeout(std::move(g), std::chrono::duration<double>(-1.0)).unwrap();
  EXPECT_TRUE(r.second.timed_out());
  g = std::move(r.first);
  // Huge timeouts must not overflow: they wait (until notified).
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      *m.lock().unwrap() = 1;
      cv.notify_all();
    });
    auto [g2, res] = cv.wait_timeout_while(std::move(g), std::chrono::hours::max(), [](int& v) { return v == 0; }).unwrap();
    EXPECT_FALSE(res.timed_out());
    EXPECT_EQ(*g2, 1);
  });
}

TEST(Condvar, WaitTimeoutWhile) {
  Mutex<int> m(0);
  Condvar cv;
  {
    auto [g, res] = cv.wait_timeout_while(m.lock().unwrap(), 10ms, [](int& v) { return v == 0; }).unwrap();
    EXPECT_TRUE(res.timed_out());
    EXPECT_EQ(*g, 0);
  }
  {
    auto [g, res] = cv.wait_timeout_while(m.lock().unwrap(), 10ms, [](int& v) { return v != 0; }).unwrap();
    EXPECT_FALSE(res.timed_out());  // condition already false: no wait
  }
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      fearless::thread::sleep(5ms);
      *m.lock().unwrap() = 2;
      cv.notify_one();
    });
    auto [g, res] = cv.wait_timeout_while(m.lock().unwrap(), 10s, [](int& v) { return v != 2; }).unwrap();
    EXPECT_FALSE(res.timed_out());
    EXPECT_EQ(*g, 2);
  });
}

TEST(Condvar, SpuriousWakeupsNeverLeakOutOfWaitWhile) {
  // Notifications while the condition is still true must not end the wait.
  Mutex<int> m(0);
  Condvar cv;
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      for (int i = 1; i <= 50; ++i) {
        *m.lock().unwrap() = i;
        cv.notify_all();
      }
    });
    auto g = cv.wait_while(m.lock().unwrap(), [](int& v) { return v < 50; }).unwrap();
    EXPECT_EQ(*g, 50);
  });
}

TEST(Condvar, NotifyAllWakesEveryWaiter) {
  Mutex<bool> go(false);
  Condvar cv;
  std::atomic<int> woke{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 4; ++t) {
      s.spawn([&] {
        auto g = cv.wait_while(go.lock().unwrap(), [](bool& b) { return !b; }).unwrap();
        woke.fetch_add(1);
      });
    }
    fearless::thread::sleep(10ms);
    *go.lock().unwrap() = true;
    cv.notify_all();
  });
  EXPECT_EQ(woke.load(), 4);
}

TEST(Condvar, NotifyOneWakesOneAtATime) {
  Mutex<int> tokens(0);
  Condvar cv;
  std::atomic<int> consumed{0};
  fearless::thread::scope([&](auto& s) {
    for (int t = 0; t < 3; ++t) {
      s.spawn([&] {
        auto g = cv.wait_while(tokens.lock().unwrap(), [](int& n) { return n == 0; }).unwrap();
        --*g;
        consumed.fetch_add(1);
      });
    }
    for (int i = 0; i < 3; ++i) {
      *tokens.lock().unwrap() += 1;
      cv.notify_one();
    }
  });
  EXPECT_EQ(consumed.load(), 3);
  EXPECT_EQ(*tokens.lock().unwrap(), 0);
}

TEST(Condvar, ProducerConsumerEveryItemOnce) {
  // Two consumers, one producer, an unbounded queue: every item is taken exactly once.
  struct Queue {
    std::deque<int> items;
    bool closed = false;
  };
  Mutex<Queue> q;
  Condvar cv;
  const int n = static_cast<int>(sync_test::scaled(50000, 500));
  std::vector<int> counts(static_cast<std::size_t>(n), 0);
  std::vector<int> got_a;
  std::vector<int> got_b;
  // Declared outside the scope's closure: the threads outlive that closure.
  auto consume = [&](std::vector<int>& out) {
    for (;;) {
      auto g = cv.wait_while(q.lock().unwrap(), [](Queue& qq) { return qq.items.empty() && !qq.closed; }).unwrap();
      if (g->items.empty()) return;
      out.push_back(g->items.front());
      g->items.pop_front();
    }
  };
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] { consume(got_a); });
    s.spawn([&] { consume(got_b); });
    for (int i = 0; i < n; ++i) {
      q.lock().unwrap()->items.push_back(i);
      cv.notify_one();
    }
    q.lock().unwrap()->closed = true;
    cv.notify_all();
  });
  for (int v : got_a) counts[static_cast<std::size_t>(v)]++;
  for (int v : got_b) counts[static_cast<std::size_t>(v)]++;
  for (int c : counts) ASSERT_EQ(c, 1);
  EXPECT_EQ(got_a.size() + got_b.size(), static_cast<std::size_t>(n));
}

TEST(Condvar, NoLostWakeupsPingPong) {
  Mutex<int> turn(0);
  Condvar cv;
  const int rounds = static_cast<int>(sync_test::scaled(20000, 200));
  fearless::thread::scope([&](auto& s) {
    for (int me = 0; me < 2; ++me) {
      s.spawn([&, me] {
        for (int i = 0; i < rounds; ++i) {
          auto g = cv.wait_while(turn.lock().unwrap(), [&](int& t) { return t % 2 != me; }).unwrap();
          ++*g;
          cv.notify_one();
        }
      });
    }
  });
  EXPECT_EQ(*turn.lock().unwrap(), 2 * rounds);
}

TEST(Condvar, PoisonedWhileWaitingIsReported) {
  Mutex<int> m(0);
  Condvar cv;
  std::atomic<bool> waiting{false};
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      auto g = m.lock().unwrap();
      waiting = true;  // set under the lock: the main thread's lock() below succeeds only once we wait
      auto r = cv.wait_while(std::move(g), [](int& v) { return v == 0; });
      ASSERT_TRUE(r.is_err());
      EXPECT_EQ(*r.unwrap_err().get_ref(), 1);  // the guard is in the error, lock held
    });
    while (!waiting) fearless::thread::sleep(1ms);
    try {
      auto g = m.lock().unwrap();
      *g = 1;
      cv.notify_all();
      throw std::runtime_error("poison while the waiter sleeps");
    } catch (const std::runtime_error&) {
    }
  });
  EXPECT_TRUE(m.is_poisoned());
  // wait_timeout reports poisoning too, with the guard and the timeout flag.
  auto r = cv.wait_timeout(m.lock().unwrap_err().into_inner(), 1ms);
  ASSERT_TRUE(r.is_err());
  EXPECT_TRUE(r.unwrap_err().get_ref().second.timed_out());
}

TEST(Condvar, MovedFromGuardPanics) {
  Mutex<int> m(0);
  Condvar cv;
  auto g = m.lock().unwrap();
  auto g2 = std::move(g);
  EXPECT_THROW((void)cv.wait(std::move(g)), fearless::Panic);  // NOLINT(bugprone-use-after-move)
}

TEST(Condvar, NotifyWithoutWaitersIsNotRemembered) {
  Mutex<int> m(0);
  Condvar cv;
  cv.notify_one();
  cv.notify_all();
  auto [g, res] = cv.wait_timeout(m.lock().unwrap(), 5ms).unwrap();
  EXPECT_TRUE(res.timed_out());
}

// Rust's wait_while / wait_timeout_while look at poison only after a wait
// (`guard = self.wait(guard)?`): with the condition already false they return
// Ok even on a poisoned mutex. The *_timeout forms with a zero timeout and the
// condition true report a time-out without sleeping.
TEST(Condvar, WhileFormsCheckPoisonOnlyAfterWaiting) {
  Mutex<int> m(1);
  try {
    auto g = m.lock().unwrap();
    throw std::runtime_error("poison");
  } catch (const std::runtime_error&) {
  }
  ASSERT_TRUE(m.is_poisoned());
  Condvar cv;
  auto r1 = cv.wait_while(m.lock().unwrap_err().into_inner(), [](int& v) { return v == 0; });
  ASSERT_TRUE(r1.is_ok());
  auto g = std::move(r1).unwrap();
  auto r2 = cv.wait_timeout_while(std::move(g), 0ms, [](int& v) { return v == 0; });
  ASSERT_TRUE(r2.is_ok());
  auto [g2, res] = std::move(r2).unwrap();
  EXPECT_FALSE(res.timed_out());
  m.clear_poison();
  auto r3 = cv.wait_timeout_while(std::move(g2), 0ms, [](int& v) { return v == 1; });
  ASSERT_TRUE(r3.is_ok());
  EXPECT_TRUE(r3.unwrap().second.timed_out());
  auto r4 = cv.wait_timeout_while(std::move(r3).unwrap().first, std::chrono::hours::max(),
                                  [](int& v) { return v == 0; });  // false at once: no wait, no overflow
  ASSERT_TRUE(r4.is_ok());
  EXPECT_FALSE(r4.unwrap().second.timed_out());
}

// --- Moving a Condvar ------------------------------------------------------

constexpr const char* kMovedWhileWaitedOn = "cannot move a Condvar while threads wait on it";

TEST(Condvar, MovedCondvarsStartFreshAndWork) {
  Condvar a;
  a.notify_all();  // not remembered by anything, moved or not
  Condvar b(std::move(a));
  Condvar c;
  c = std::move(b);
  std::vector<Condvar> v;
  for (int i = 0; i < 100; ++i) v.emplace_back();  // reallocates: every element is moved
  v.push_back(std::move(c));
  Mutex<int> m(0);
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      *m.lock().unwrap() = 1;
      v.back().notify_one();
    });
    auto g = v.back().wait_while(m.lock().unwrap(), [](int& x) { return x == 0; }).unwrap();
    EXPECT_EQ(*g, 1);
  });
  // The moved-from ones are ordinary Condvars with no waiters.
  auto r = a.wait_timeout(m.lock().unwrap(), 0ms).unwrap();  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(r.second.timed_out());
  Condvar d(std::move(a));
}

TEST(Condvar, MovingOneThatAThreadWaitsOnPanics) {
  struct State {
    bool waiting = false;
    bool go = false;
  };
  Mutex<State> m;
  Condvar cv;
  fearless::thread::scope([&](auto& s) {
    s.spawn([&] {
      auto g = m.lock().unwrap();
      g->waiting = true;
      auto done = cv.wait_while(std::move(g), [](State& st) { return !st.go; }).unwrap();
    });
    // Once this thread holds the mutex and sees `waiting`, the waiter has
    // registered on cv and released the mutex inside wait(); it stays
    // registered until notified, unless a spurious wake-up takes it out for a
    // moment (then it cannot get back in while we hold the mutex): retry.
    for (;;) {
      auto g = m.lock().unwrap();
      if (!g->waiting) {
        { auto unlocked = std::move(g); }
        fearless::thread::yield_now();
        continue;
      }
      Condvar other;
      const std::string moved = sync_test::panic_message([&] { Condvar c(std::move(cv)); });
      const std::string from = sync_test::panic_message([&] { other = std::move(cv); });
      const std::string into = sync_test::panic_message([&] { cv = std::move(other); });
      if (moved == "<no panic>" || from == "<no panic>" || into == "<no panic>") continue;
      EXPECT_EQ(moved, kMovedWhileWaitedOn);
      EXPECT_EQ(from, kMovedWhileWaitedOn);
      EXPECT_EQ(into, kMovedWhileWaitedOn);
      g->go = true;
      cv.notify_all();  // the panics left cv working: this reaches the waiter
      break;
    }
  });
  Condvar after(std::move(cv));  // nobody waits any more
}

}  // namespace
