// Interleaving exploration of Condvar (wait/notify, notify_all, timed waits),
// RwLock, Barrier and OnceLock.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include "fearless/sync/arc.hpp"
#include "fearless/sync/barrier.hpp"
#include "fearless/sync/condvar.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/once_lock.hpp"
#include "fearless/sync/rwlock.hpp"
#include "scheduler.hpp"

namespace {

using fearless::detail::Atomic;
using fearless::sync::Barrier;
using fearless::sync::Condvar;
using fearless::sync::Mutex;
using fearless::sync::OnceLock;
using fearless::sync::RwLock;
using fearless_test::interleave::Execution;
using fearless_test::interleave::Explorer;
using fearless_test::interleave::Options;
using fearless_test::interleave::Report;
using fearless_test::interleave::show;

// One waiter for a flag, one notifier: no lost wake-up in any order.
void condvar_handoff(Execution& ex) {
  Mutex<bool> m(false);
  Condvar cv;
  bool woke = false;
  ex.spawn([&] {
    auto g = cv.wait_while(m.lock().unwrap(), [](bool& ready) { return !ready; }).unwrap();
    woke = *g;
  });
  ex.spawn([&] {
    *m.lock().unwrap() = true;
    cv.notify_one();
  });
  if (ex.run()) ex.check(woke, "waiter saw the flag");
}

TEST(InterleaveCondvar, WaitNotifyExhaustive) {
  Options o;
  o.preemption_bound = 3;
  const Report r = Explorer::exhaustive(condvar_handoff, o);
  show("Condvar wait/notify_one, exhaustive pb=3", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
}

// Two waiters, one notify_all.
void condvar_broadcast(Execution& ex) {
  Mutex<int> m(0);
  Condvar cv;
  int woke = 0;
  auto waiter = [&] {
    auto g = cv.wait_while(m.lock().unwrap(), [](int& go) { return go == 0; }).unwrap();
    ++woke;
  };
  ex.spawn(waiter);
  ex.spawn(waiter);
  ex.spawn([&] {
    *m.lock().unwrap() = 1;
    cv.notify_all();
  });
  if (ex.run()) ex.check(woke == 2, "both waiters woke, got " + std::to_string(woke));
}

TEST(InterleaveCondvar, NotifyAllTwoWaiters) {
  Options o;
  o.preemption_bound = 2;
  o.max_executions = 20000;
  const Report r = Explorer::exhaustive(condvar_broadcast, o);
  show("Condvar notify_all, 2 waiters, exhaustive pb=2", r);
  EXPECT_FALSE(r.failed) << r.failure;
  const Report rr = Explorer::random(condvar_broadcast, 5, 3000);
  show("Condvar notify_all, 2 waiters, random", rr);
  EXPECT_FALSE(rr.failed) << rr.failure;
}

// wait_timeout_while: the result says timed out only if the flag is still
// unset; a notify is never needed for correctness.
void condvar_timed(Execution& ex) {
  Mutex<bool> m(false);
  Condvar cv;
  bool timed_out = false, flag = false;
  ex.spawn([&] {
    auto [g, to] = cv.wait_timeout_while(m.lock().unwrap(), std::chrono::milliseconds(3),
                                         [](bool& ready) { return !ready; })
                       .unwrap();
    timed_out = to.timed_out();
    flag = *g;
  });
  ex.spawn([&] {
    *m.lock().unwrap() = true;
    cv.notify_one();
  });
  if (ex.run()) ex.check(timed_out != flag, "timed_out iff the flag was not set");
}

TEST(InterleaveCondvar, TimedWaitExhaustive) {
  Options o;
  o.preemption_bound = 2;
  const Report r = Explorer::exhaustive(condvar_timed, o);
  show("Condvar wait_timeout_while, exhaustive pb=2 with time-outs", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
}

// A writer and a reader: the reader sees both fields updated or neither.
void rwlock_rw(Execution& ex) {
  struct P {
    int a = 0, b = 0;
  };
  RwLock<P> l;
  bool torn = false;
  ex.spawn([&] {
    auto g = l.write().unwrap();
    g->a = 1;
    g->b = 1;
  });
  ex.spawn([&] {
    auto g = l.read().unwrap();
    torn = g->a != g->b;
  });
  ex.spawn([&] {
    auto g = l.read().unwrap();
    torn = torn || g->a != g->b;
  });
  if (ex.run()) ex.check(!torn, "reader saw a torn pair");
}

TEST(InterleaveRwLock, WriterAndTwoReaders) {
  Options o;
  o.preemption_bound = 2;
  o.max_executions = 20000;
  const Report r = Explorer::exhaustive(rwlock_rw, o);
  show("RwLock writer + 2 readers, exhaustive pb=2", r);
  EXPECT_FALSE(r.failed) << r.failure;
}

// Writers against writers: each takes the write lock twice. The writer's wait
// keeps counting its rounds across compare-exchanges it loses to a writer
// that took the lock again, then sleeps on the writer counter; every
// interleaving must keep the writers apart, lose no increment and wake every
// sleeper (a lost wake-up shows as a deadlock).
void rwlock_writers(Execution& ex, int writers) {
  RwLock<int> l(0);
  Atomic<int> inside{0};
  bool overlap = false;
  for (int t = 0; t < writers; ++t) {
    ex.spawn([&] {
      for (int i = 0; i < 2; ++i) {
        auto g = l.write().unwrap();
        if (inside.fetch_add(1) != 0) overlap = true;
        *g += 1;
        inside.fetch_sub(1);
      }
    });
  }
  if (!ex.run()) return;
  ex.check(!overlap, "two writers at once");
  ex.check(*l.read().unwrap() == writers * 2, "lost increment");
}

TEST(InterleaveRwLock, TwoWritersExhaustive) {
  Options o;
  o.preemption_bound = 2;
  o.max_executions = 20000;
  const Report r = Explorer::exhaustive([](Execution& ex) { rwlock_writers(ex, 2); }, o);
  show("RwLock 2 writers x 2 locks, exhaustive pb=2", r);
  EXPECT_FALSE(r.failed) << r.failure;
}

TEST(InterleaveRwLock, ThreeWritersRandom) {
  const Report r = Explorer::random([](Execution& ex) { rwlock_writers(ex, 3); }, 17, 3000);
  show("RwLock 3 writers x 2 locks, random", r);
  EXPECT_FALSE(r.failed) << r.failure;
}

// Three threads, two barrier rounds; one leader per round.
void barrier_rounds(Execution& ex) {
  Barrier b(3);
  Atomic<int> arrived0{0};
  int leaders0 = 0, leaders1 = 0;
  bool early = false;
  for (int t = 0; t < 3; ++t) {
    ex.spawn([&] {
      arrived0.fetch_add(1);
      if (b.wait().is_leader()) ++leaders0;
      if (arrived0.load() != 3) early = true;
      if (b.wait().is_leader()) ++leaders1;
    });
  }
  if (!ex.run()) return;
  ex.check(!early, "a thread passed the barrier early");
  ex.check(leaders0 == 1 && leaders1 == 1, "one leader per round");
}

TEST(InterleaveBarrier, ThreeThreadsTwoRounds) {
  Options o;
  o.preemption_bound = 1;
  o.max_executions = 20000;
  const Report r = Explorer::exhaustive(barrier_rounds, o);
  show("Barrier 3 threads x 2 rounds, exhaustive pb=1", r);
  EXPECT_FALSE(r.failed) << r.failure;
  const Report rr = Explorer::random(barrier_rounds, 3, 2000);
  show("Barrier 3 threads x 2 rounds, random", rr);
  EXPECT_FALSE(rr.failed) << rr.failure;
}

// get_or_init racing with set(), and an initialiser that throws first.
void once_lock_race(Execution& ex) {
  OnceLock<int> cell;
  int inits = 0, set_ok = 0, threw = 0;
  int seen[3] = {0, 0, 0};
  ex.spawn([&] {
    try {
      seen[0] = cell.get_or_init([&]() -> int { throw std::runtime_error("init fault"); });
    } catch (const std::runtime_error&) {
      ++threw;
      seen[0] = cell.wait();
    }
  });
  ex.spawn([&] {
    seen[1] = cell.get_or_init([&] {
      ++inits;
      return 1;
    });
  });
  ex.spawn([&] {
    if (cell.set(2).is_ok()) ++set_ok;
    seen[2] = cell.wait();
  });
  if (!ex.run()) return;
  // The throwing initialiser runs only if thread 0 finds the cell empty.
  ex.check(threw <= 1, "one exception at most");
  ex.check(inits + set_ok == 1, "exactly one value stored");
  const int v = *cell.get();
  ex.check(seen[0] == v && seen[1] == v && seen[2] == v, "everybody sees the stored value");
}

TEST(InterleaveOnceLock, InitRaceWithThrowingInitialiser) {
  Options o;
  o.preemption_bound = 2;
  o.max_executions = 20000;
  const Report r = Explorer::exhaustive(once_lock_race, o);
  show("OnceLock get_or_init/set/throwing init, exhaustive pb=2", r);
  EXPECT_FALSE(r.failed) << r.failure;
}

// Arc: one thread drops the last Arc while another upgrades a Weak and a
// third drops a Weak; the value is destroyed exactly once, after every use,
// and the memory block once the last Weak is gone.
struct Probe {
  int* destroyed;
  int alive = 1;
  explicit Probe(int* d) : destroyed(d) {}
  Probe(const Probe&) = delete;
  ~Probe() {
    alive = 0;
    ++*destroyed;
  }
};

void arc_upgrade_vs_drop(Execution& ex) {
  int destroyed = 0;
  std::optional<fearless::sync::Arc<Probe>> last(fearless::sync::Arc<Probe>::make(&destroyed));
  fearless::sync::Weak<Probe> w1 = last->downgrade();
  std::optional<fearless::sync::Weak<Probe>> w2(last->downgrade());
  bool dead_seen = false, upgraded = false;
  ex.spawn([&] { last.reset(); });
  ex.spawn([&] {
    if (auto a = w1.upgrade()) {
      upgraded = true;
      dead_seen = (*a)->alive != 1;
    }
  });
  ex.spawn([&] { w2.reset(); });
  if (!ex.run()) return;
  ex.check(!dead_seen, "upgrade returned a destroyed value");
  ex.check(destroyed == 1, "destroyed " + std::to_string(destroyed) + " times");
  ex.check(!w1.upgrade().has_value(), "upgrade after the last Arc");
  (void)upgraded;
}

TEST(InterleaveArc, UpgradeRacesLastDrop) {
  Options o;
  o.preemption_bound = 2;
  o.max_executions = 20000;
  const Report r = Explorer::exhaustive(arc_upgrade_vs_drop, o);
  show("Arc last drop vs Weak upgrade vs Weak drop, exhaustive pb=2", r);
  EXPECT_FALSE(r.failed) << r.failure;
}

}  // namespace
