// Interleaving exploration of sync::Mutex: mutual exclusion, hand-off of the
// lock between blocked threads, and poisoning by a holder that throws.
#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "fearless/sync/mutex.hpp"
#include "scheduler.hpp"

namespace {

using fearless::detail::Atomic;
using fearless::sync::Mutex;
using fearless_test::interleave::Execution;
using fearless_test::interleave::Explorer;
using fearless_test::interleave::Options;
using fearless_test::interleave::Report;
using fearless_test::interleave::show;

// Threads increment under the lock; `inside` (atomic, so it holds scheduling
// points) detects two holders at once.
void contention(Execution& ex, int threads, int iters) {
  Mutex<int> m(0);
  Atomic<int> inside{0};
  bool overlap = false;
  for (int t = 0; t < threads; ++t) {
    ex.spawn([&] {
      for (int i = 0; i < iters; ++i) {
        auto g = m.lock().unwrap();
        if (inside.fetch_add(1) != 0) overlap = true;
        *g += 1;
        inside.fetch_sub(1);
      }
    });
  }
  if (!ex.run()) return;
  ex.check(!overlap, "two holders at once");
  ex.check(*m.lock().unwrap() == threads * iters, "lost increment");
}

TEST(InterleaveMutex, TwoThreadsTwiceExhaustive) {
  Options o;
  o.preemption_bound = 2;
  const Report r = Explorer::exhaustive([](Execution& ex) { contention(ex, 2, 2); }, o);
  show("Mutex 2 threads x 2 locks, exhaustive pb=2", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
}

TEST(InterleaveMutex, ThreeThreadsRandom) {
  const Report r = Explorer::random([](Execution& ex) { contention(ex, 3, 2); }, 11, 3000);
  show("Mutex 3 threads x 2 locks, random", r);
  EXPECT_FALSE(r.failed) << r.failure;
}

// Thread 0 throws while holding the guard; thread 1 locks once. Thread 1 sees
// the poison exactly when it locks after thread 0; the data stays reachable
// and both increments count.
void poisoning(Execution& ex) {
  Mutex<int> m(0);
  int order = 0;     // guarded by m: 1 if thread 0 went first
  bool t1_poisoned = false;
  bool t1_after = false;
  bool caught = false;
  ex.spawn([&] {
    try {
      auto g = m.lock().unwrap();
      *g += 1;
      if (order == 0) order = 1;
      throw std::runtime_error("fault in the critical section");
    } catch (const std::runtime_error&) {
      caught = true;
    }
  });
  ex.spawn([&] {
    auto r = m.lock();
    t1_poisoned = r.is_err();
    auto g = r.is_ok() ? std::move(r).unwrap() : std::move(r).unwrap_err().into_inner();
    t1_after = order == 1;
    if (order == 0) order = 2;
    *g += 1;
  });
  if (!ex.run()) return;
  ex.check(caught, "exception reached its handler");
  ex.check(t1_poisoned == t1_after, "poison seen iff locked after the throw");
  ex.check(m.is_poisoned(), "mutex stays poisoned");
  auto r = m.lock();
  ex.check(r.is_err(), "lock reports poison");
  ex.check(*std::move(r).unwrap_err().into_inner() == 2, "both increments kept");
}

TEST(InterleaveMutex, PoisoningExhaustive) {
  Options o;
  o.preemption_bound = 3;
  const Report r = Explorer::exhaustive(poisoning, o);
  show("Mutex poisoning, exhaustive pb=3", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
}

// try_lock never blocks and never reports WouldBlock on a free mutex.
void try_lock_vs_lock(Execution& ex) {
  Mutex<int> m(0);
  int got = 0;
  ex.spawn([&] { *m.lock().unwrap() += 1; });
  ex.spawn([&] {
    auto r = m.try_lock();
    if (r.is_ok()) {
      *r.unwrap() += 1;
      got = 1;
    } else {
      got = r.unwrap_err().is_would_block() ? 2 : 3;
    }
  });
  if (!ex.run()) return;
  ex.check(got == 1 || got == 2, "try_lock: Ok or WouldBlock");
  ex.check(*m.lock().unwrap() == (got == 1 ? 2 : 1), "count matches");
}

TEST(InterleaveMutex, TryLockExhaustive) {
  Options o;
  o.preemption_bound = 3;
  const Report r = Explorer::exhaustive(try_lock_vs_lock, o);
  show("Mutex try_lock vs lock, exhaustive pb=3", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
}

}  // namespace
