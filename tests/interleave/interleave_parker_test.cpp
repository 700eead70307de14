// Interleaving exploration of detail::Parker and the thread module's hand-offs
// (park/unpark through thread::current()), plus the proof that the scheduler
// finds deliberately broken variants (toy_sync.hpp) within its bound.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "fearless/detail/parker.hpp"
#include "fearless/thread.hpp"
#include "scheduler.hpp"
#include "toy_sync.hpp"

namespace {

using fearless::detail::Atomic;
using fearless::detail::Parker;
using fearless_test::interleave::Execution;
using fearless_test::interleave::Explorer;
using fearless_test::interleave::Options;
using fearless_test::interleave::Report;
using fearless_test::interleave::show;

// A flag published before unpark() is seen after park() returns, whatever the order.
template <class P>
void flag_handoff(Execution& ex) {
  P parker;
  Atomic<bool> flag{false};
  bool seen = false;
  ex.spawn([&] {
    while (!flag.load()) parker.park();
    seen = true;
  });
  ex.spawn([&] {
    flag.store(true);
    parker.unpark();
  });
  if (ex.run()) ex.check(seen, "waiter saw the flag");
}

TEST(InterleaveParker, FlagHandoffExhaustive) {
  Options o;
  o.preemption_bound = 3;
  const Report r = Explorer::exhaustive(flag_handoff<Parker>, o);
  show("parker flag hand-off, exhaustive pb=3", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
  EXPECT_GT(r.executions, 10u);
}

TEST(InterleaveParker, FlagHandoffRandom) {
  const Report r = Explorer::random(flag_handoff<Parker>, 7, 2000);
  show("parker flag hand-off, random", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_EQ(r.executions, Explorer::scaled_runs(2000));
}

// Two unparks and a timed park: the token is never duplicated and never lost.
// After the threads finish, a park with an elapsed deadline consumes a token
// that is still pending; a token already consumed is not there any more.
void timed_token(Execution& ex) {
  Parker parker;
  bool got = false;
  ex.spawn([&] { got = parker.park_until(fearless::detail::Clock::now() + std::chrono::milliseconds(5)); });
  ex.spawn([&] { parker.unpark(); });
  if (!ex.run()) return;
  const bool pending = parker.park_until(fearless::detail::Clock::now());
  ex.check(got != pending, "exactly one consumer of the token (park_until=" + std::to_string(got) +
                               ", pending afterwards=" + std::to_string(pending) + ")");
  ex.check(!parker.park_until(fearless::detail::Clock::now()), "no second token");
}

TEST(InterleaveParker, TimedParkTokenExactlyOnce) {
  Options o;
  o.preemption_bound = 2;
  const Report r = Explorer::exhaustive(timed_token, o);
  show("parker timed park, exhaustive pb=2 with time-outs", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
}

// The join/scope pattern of the thread module: workers publish results, count
// down, and the last one unparks the owner, which parks until the count is 0.
void countdown(Execution& ex) {
  Parker owner;
  Atomic<int> running{2};
  Atomic<int> r1{0}, r2{0};
  int sum = -1;
  ex.spawn([&] {
    while (running.load() != 0) owner.park();
    sum = r1.load() + r2.load();
  });
  ex.spawn([&] {
    r1.store(1);
    if (running.fetch_sub(1) == 1) owner.unpark();
  });
  ex.spawn([&] {
    r2.store(2);
    if (running.fetch_sub(1) == 1) owner.unpark();
  });
  if (ex.run()) ex.check(sum == 3, "owner saw both results, got " + std::to_string(sum));
}

TEST(InterleaveParker, CountdownThreeThreadsExhaustive) {
  Options o;
  o.preemption_bound = 2;
  const Report r = Explorer::exhaustive(countdown, o);
  show("countdown/unpark, 3 threads, exhaustive pb=2", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
}

// fearless::thread::park()/Thread::unpark() with the handle passed between
// threads through an atomic pointer (the second thread spins until it appears).
void thread_handle_handoff(Execution& ex) {
  Atomic<fearless::thread::Thread*> slot{nullptr};
  Atomic<bool> go{false};
  fearless::thread::Thread* mine = nullptr;
  bool done = false;
  ex.spawn([&] {
    mine = new fearless::thread::Thread(fearless::thread::current());
    slot.store(mine);
    while (!go.load()) fearless::thread::park();
    done = true;
  });
  ex.spawn([&] {
    fearless::thread::Thread* t = nullptr;
    while ((t = slot.load()) == nullptr) {
    }
    go.store(true);
    t->unpark();
  });
  const bool ok = ex.run();
  if (ok) ex.check(done, "parked thread resumed");
  if (ok) delete mine;
}

TEST(InterleaveParker, ThreadParkUnparkExhaustive) {
  Options o;
  o.preemption_bound = 2;
  const Report r = Explorer::exhaustive(thread_handle_handoff, o);
  show("thread::park/unpark via handle, exhaustive pb=2", r);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.complete);
}

// ---- the scheduler finds known bugs ---------------------------------------

TEST(InterleaveFindsBugs, BrokenParkerLosesWakeup) {
  Options o;
  o.preemption_bound = 1;
  const Report r = Explorer::exhaustive(flag_handoff<fearless_test::toy::Parker<true>>, o);
  show("broken parker (check-then-park race), exhaustive pb=1", r);
  ASSERT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("deadlock"), std::string::npos) << r.failure;
  // The correct toy parker passes the same search.
  const Report ok = Explorer::exhaustive(flag_handoff<fearless_test::toy::Parker<false>>, o);
  EXPECT_FALSE(ok.failed) << ok.failure;
  EXPECT_TRUE(ok.complete);
}

TEST(InterleaveFindsBugs, BrokenParkerFoundByRandomSearch) {
  const Report r = Explorer::random(flag_handoff<fearless_test::toy::Parker<true>>, 1, 5000);
  show("broken parker, random", r);
  EXPECT_TRUE(r.failed);
}

// Condition variable hand-off: the consumer waits for `ready` under the mutex.
template <bool BrokenCv>
void cv_handoff(Execution& ex) {
  fearless_test::toy::Mutex<false> m;
  fearless_test::toy::Condvar<BrokenCv> cv;
  bool ready = false;  // guarded by m
  ex.spawn([&] {
    m.lock();
    while (!ready) cv.wait(m);
    m.unlock();
  });
  ex.spawn([&] {
    m.lock();
    ready = true;
    m.unlock();
    cv.notify_one();
  });
  ex.run();
}

TEST(InterleaveFindsBugs, CondvarLostWakeup) {
  Options o;
  o.preemption_bound = 2;
  const Report bad = Explorer::exhaustive(cv_handoff<true>, o);
  show("broken condvar (sequence read after unlock), exhaustive pb=2", bad);
  ASSERT_TRUE(bad.failed);
  EXPECT_NE(bad.failure.find("deadlock"), std::string::npos) << bad.failure;
  const Report good = Explorer::exhaustive(cv_handoff<false>, o);
  show("toy condvar, exhaustive pb=2", good);
  EXPECT_FALSE(good.failed) << good.failure;
  EXPECT_TRUE(good.complete);
}

// Mutual exclusion: a plain counter incremented under the lock by two threads.
template <bool BrokenMutex>
void counter(Execution& ex) {
  fearless_test::toy::Mutex<BrokenMutex> m;
  // `inside` is atomic so that the critical section holds scheduling points.
  Atomic<int> inside{0};
  int total = 0;
  bool overlap = false;
  auto body = [&] {
    for (int i = 0; i < 2; ++i) {
      m.lock();
      if (inside.fetch_add(1) != 0) overlap = true;
      ++total;
      inside.fetch_sub(1);
      m.unlock();
    }
  };
  ex.spawn(body);
  ex.spawn(body);
  if (!ex.run()) return;
  ex.check(!overlap, "two threads inside the critical section");
  ex.check(total == 4, "total " + std::to_string(total));
}

TEST(InterleaveFindsBugs, MutexWithoutAtomicTestAndSet) {
  Options o;
  o.preemption_bound = 2;
  const Report bad = Explorer::exhaustive(counter<true>, o);
  show("broken mutex (load then store), exhaustive pb=2", bad);
  ASSERT_TRUE(bad.failed);
  EXPECT_NE(bad.failure.find("critical section"), std::string::npos) << bad.failure;
  const Report good = Explorer::exhaustive(counter<false>, o);
  show("toy futex mutex, exhaustive pb=2", good);
  EXPECT_FALSE(good.failed) << good.failure;
  EXPECT_TRUE(good.complete);
}

}  // namespace
