// Rust std's Condvar and Barrier test suites (library/std/tests/sync/condvar.rs
// and barrier.rs) checked against fearless::sync. Every Condvar check runs for
// both flavours, as upstream does: the poisoning Condvar (guard by value, a
// LockResult that is unwrapped) and nonpoison::Condvar (guard by reference).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <variant>
#include <vector>

#include "fearless/sync/arc.hpp"
#include "fearless/sync/barrier.hpp"
#include "fearless/sync/condvar.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/nonpoison.hpp"
#include "fearless/sync/wait_timeout_result.hpp"
#include "fearless/thread.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = fearless::sync;
namespace mpsc = fearless::sync::mpsc;
using fs::Arc;
using fs::WaitTimeoutResult;

// Rust's Duration::from_millis(u64::MAX): far beyond any nanosecond count.
constexpr std::chrono::duration<std::uint64_t, std::milli> kMaxMillis{std::numeric_limits<std::uint64_t>::max()};

// The two lock families behind one interface that takes and returns guards
// by value, as the upstream tests write them (`maybe_unwrap(c.wait(g))`).
struct Poison {
  template <class T>
  using Mutex = fs::Mutex<T>;
  template <class T>
  using Guard = fs::MutexGuard<T>;
  using Condvar = fs::Condvar;

  template <class T>
  static Guard<T> lock(const Mutex<T>& m) {
    return m.lock().unwrap();
  }
  template <class T>
  static Guard<T> wait(const Condvar& c, Guard<T> g) {
    return c.wait(std::move(g)).unwrap();
  }
  template <class T, class F>
  static Guard<T> wait_while(const Condvar& c, Guard<T> g, F f) {
    return c.wait_while(std::move(g), f).unwrap();
  }
  template <class T, class D>
  static std::pair<Guard<T>, WaitTimeoutResult> wait_timeout(const Condvar& c, Guard<T> g, D d) {
    return c.wait_timeout(std::move(g), d).unwrap();
  }
  template <class T, class D, class F>
  static std::pair<Guard<T>, WaitTimeoutResult> wait_timeout_while(const Condvar& c, Guard<T> g, D d, F f) {
    return c.wait_timeout_while(std::move(g), d, f).unwrap();
  }
};

struct Nonpoison {
  template <class T>
  using Mutex = fs::nonpoison::Mutex<T>;
  template <class T>
  using Guard = fs::nonpoison::MutexGuard<T>;
  using Condvar = fs::nonpoison::Condvar;

  template <class T>
  static Guard<T> lock(const Mutex<T>& m) {
    return m.lock();
  }
  template <class T>
  static Guard<T> wait(const Condvar& c, Guard<T> g) {
    c.wait(g);
    return g;
  }
  template <class T, class F>
  static Guard<T> wait_while(const Condvar& c, Guard<T> g, F f) {
    c.wait_while(g, f);
    return g;
  }
  template <class T, class D>
  static std::pair<Guard<T>, WaitTimeoutResult> wait_timeout(const Condvar& c, Guard<T> g, D d) {
    const WaitTimeoutResult r = c.wait_timeout(g, d);
    return {std::move(g), r};
  }
  template <class T, class D, class F>
  static std::pair<Guard<T>, WaitTimeoutResult> wait_timeout_while(const Condvar& c, Guard<T> g, D d, F f) {
    const WaitTimeoutResult r = c.wait_timeout_while(g, d, f);
    return {std::move(g), r};
  }
};

// Rust's Arc<(Mutex<T>, Condvar)>.
template <class L, class T>
struct Pair {
  explicit Pair(T v) : lock(std::move(v)) {}
  typename L::template Mutex<T> lock;
  typename L::Condvar cvar;
};

using Unit = std::monostate;  // Rust's ()

// Rust's AtomicBool behind an Arc (which hands out only const access).
struct SharedFlag {
  mutable std::atomic<bool> value{false};
};

// ---------------------------------------------------------------------------
// std condvar.rs: smoke

template <class L>
void notify_without_waiters_returns() {
  const typename L::Condvar c;
  c.notify_one();
  c.notify_all();
}

TEST(StdCondvar, PoisonNotifyWithoutWaitersReturnsAtOnce) { notify_without_waiters_returns<Poison>(); }
TEST(StdCondvar, NonpoisonNotifyWithoutWaitersReturnsAtOnce) { notify_without_waiters_returns<Nonpoison>(); }

// ---------------------------------------------------------------------------
// std condvar.rs: notify_one

template <class L>
void notify_one_wakes_a_waiter() {
  auto m = Arc<typename L::template Mutex<Unit>>::make();
  auto c = Arc<typename L::Condvar>::make();
  auto g = L::lock(*m);
  // The thread can take the mutex only once wait() below has released it.
  auto t = fearless::thread::spawn([m2 = m.clone(), c2 = c.clone()] {
    auto g2 = L::lock(*m2);
    c2->notify_one();
  });
  g = L::wait(*c, std::move(g));
  { auto released = std::move(g); }
  t.join().unwrap();
}

TEST(StdCondvar, PoisonNotifyOneWakesAThreadWaitingWithTheLockReleased) { notify_one_wakes_a_waiter<Poison>(); }
TEST(StdCondvar, NonpoisonNotifyOneWakesAThreadWaitingWithTheLockReleased) { notify_one_wakes_a_waiter<Nonpoison>(); }

// ---------------------------------------------------------------------------
// std condvar.rs: notify_all

template <class L>
void notify_all_wakes_ten_waiters() {
  constexpr std::size_t kN = 10;
  auto data = Arc<Pair<L, std::size_t>>::make(std::size_t{0});
  auto [tx, rx] = mpsc::channel<Unit>();
  std::vector<fearless::thread::JoinHandle<void>> threads;
  for (std::size_t i = 0; i < kN; ++i) {
    threads.push_back(fearless::thread::spawn([data = data.clone(), tx = tx.clone()] {
      auto cnt = L::lock(data->lock);
      *cnt += 1;
      if (*cnt == kN) tx.send(Unit{}).unwrap();
      while (*cnt != 0) cnt = L::wait(data->cvar, std::move(cnt));
      tx.send(Unit{}).unwrap();
    }));
  }
  { auto dropped = std::move(tx); }

  rx.recv().unwrap();  // every thread has counted itself and waits (or is about to)
  {
    auto cnt = L::lock(data->lock);
    *cnt = 0;
    data->cvar.notify_all();
  }
  for (std::size_t i = 0; i < kN; ++i) ASSERT_TRUE(rx.recv().is_ok()) << "waiter " << i << " never woke";
  for (auto& t : threads) t.join().unwrap();
}

TEST(StdCondvar, PoisonNotifyAllWakesEveryOneOfTenWaiters) { notify_all_wakes_ten_waiters<Poison>(); }
TEST(StdCondvar, NonpoisonNotifyAllWakesEveryOneOfTenWaiters) { notify_all_wakes_ten_waiters<Nonpoison>(); }

// ---------------------------------------------------------------------------
// std condvar.rs: test_mutex_arc_condvar

template <class L>
void child_sets_flag_parent_waits_in_loop() {
  auto packet = Arc<Pair<L, bool>>::make(false);
  auto packet2 = packet.clone();
  auto [tx, rx] = mpsc::channel<Unit>();

  auto t = fearless::thread::spawn([packet2 = std::move(packet2), rx = std::move(rx)] {
    rx.recv().unwrap();  // the parent holds the lock by now
    auto guard = L::lock(packet2->lock);
    *guard = true;
    packet2->cvar.notify_one();
  });

  auto guard = L::lock(packet->lock);
  tx.send(Unit{}).unwrap();
  EXPECT_FALSE(*guard);
  while (!*guard) guard = L::wait(packet->cvar, std::move(guard));
  EXPECT_TRUE(*guard);
  { auto released = std::move(guard); }
  t.join().unwrap();
}

TEST(StdCondvar, PoisonArcPacketChildSetsTheFlagWhileParentWaitsInALoop) {
  child_sets_flag_parent_waits_in_loop<Poison>();
}
TEST(StdCondvar, NonpoisonArcPacketChildSetsTheFlagWhileParentWaitsInALoop) {
  child_sets_flag_parent_waits_in_loop<Nonpoison>();
}

// ---------------------------------------------------------------------------
// std condvar.rs: wait_while

template <class L>
void wait_while_returns_once_started() {
  auto pair = Arc<Pair<L, bool>>::make(false);
  auto t = fearless::thread::spawn([pair2 = pair.clone()] {
    auto started = L::lock(pair2->lock);
    *started = true;
    pair2->cvar.notify_one();
  });
  auto guard = L::wait_while(pair->cvar, L::lock(pair->lock), [](bool& started) { return !started; });
  EXPECT_TRUE(*guard);
  { auto released = std::move(guard); }
  t.join().unwrap();
}

TEST(StdCondvar, PoisonWaitWhileReturnsOnceTheSpawnedThreadHasStarted) { wait_while_returns_once_started<Poison>(); }
TEST(StdCondvar, NonpoisonWaitWhileReturnsOnceTheSpawnedThreadHasStarted) {
  wait_while_returns_once_started<Nonpoison>();
}

// ---------------------------------------------------------------------------
// std condvar.rs: wait_timeout_wait

template <class L>
void wait_timeout_eventually_times_out() {
  auto m = Arc<typename L::template Mutex<Unit>>::make();
  auto c = Arc<typename L::Condvar>::make();
  // A spurious wake-up may end a try early (not timed out): try again.
  for (int attempt = 0;; ++attempt) {
    ASSERT_LT(attempt, 1000) << "wait_timeout(1ms) never reported a time-out";
    auto g = L::lock(*m);
    auto [g2, res] = L::wait_timeout(*c, std::move(g), 1ms);
    if (res.timed_out()) break;
  }
}

TEST(StdCondvar, PoisonWaitTimeoutWithNobodyNotifyingTimesOut) { wait_timeout_eventually_times_out<Poison>(); }
TEST(StdCondvar, NonpoisonWaitTimeoutWithNobodyNotifyingTimesOut) { wait_timeout_eventually_times_out<Nonpoison>(); }

// ---------------------------------------------------------------------------
// std condvar.rs: wait_timeout_while_wait

template <class L>
void wait_timeout_while_always_true_times_out() {
  auto m = Arc<typename L::template Mutex<Unit>>::make();
  auto c = Arc<typename L::Condvar>::make();
  auto g = L::lock(*m);
  // No spurious wake-up can leak out of the _while form: it must time out.
  auto [g2, wait] = L::wait_timeout_while(*c, std::move(g), 1ms, [](Unit&) { return true; });
  EXPECT_TRUE(wait.timed_out());
}

TEST(StdCondvar, PoisonWaitTimeoutWhileAlwaysTrueTimesOut) { wait_timeout_while_always_true_times_out<Poison>(); }
TEST(StdCondvar, NonpoisonWaitTimeoutWhileAlwaysTrueTimesOut) {
  wait_timeout_while_always_true_times_out<Nonpoison>();
}

// ---------------------------------------------------------------------------
// std condvar.rs: wait_timeout_while_instant_satisfy

template <class L>
void wait_timeout_while_satisfied_with_zero_timeout() {
  auto m = Arc<typename L::template Mutex<Unit>>::make();
  auto c = Arc<typename L::Condvar>::make();
  auto g = L::lock(*m);
  auto [g2, wait] = L::wait_timeout_while(*c, std::move(g), 0ms, [](Unit&) { return false; });
  // Zero time given, but the condition was already satisfied: not a time-out.
  EXPECT_FALSE(wait.timed_out());
}

TEST(StdCondvar, PoisonWaitTimeoutWhileZeroTimeoutAlreadySatisfiedIsNotATimeOut) {
  wait_timeout_while_satisfied_with_zero_timeout<Poison>();
}
TEST(StdCondvar, NonpoisonWaitTimeoutWhileZeroTimeoutAlreadySatisfiedIsNotATimeOut) {
  wait_timeout_while_satisfied_with_zero_timeout<Nonpoison>();
}

// ---------------------------------------------------------------------------
// std condvar.rs: wait_timeout_while_wake

template <class L>
void wait_timeout_while_max_millis_wakes_on_notify() {
  auto pair = Arc<Pair<L, bool>>::make(false);
  auto g = L::lock(pair->lock);
  auto t = fearless::thread::spawn([pair_copy = pair.clone()] {
    auto started = L::lock(pair_copy->lock);
    fearless::thread::sleep(1ms);
    *started = true;
    pair_copy->cvar.notify_one();
  });
  auto [g2, wait] = L::wait_timeout_while(pair->cvar, std::move(g), kMaxMillis, [](bool& notified) { return !notified; });
  EXPECT_FALSE(wait.timed_out());
  EXPECT_TRUE(*g2);
  { auto released = std::move(g2); }
  t.join().unwrap();
}

TEST(StdCondvar, PoisonWaitTimeoutWhileWithU64MaxMillisWakesOnNotify) {
  wait_timeout_while_max_millis_wakes_on_notify<Poison>();
}
TEST(StdCondvar, NonpoisonWaitTimeoutWhileWithU64MaxMillisWakesOnNotify) {
  wait_timeout_while_max_millis_wakes_on_notify<Nonpoison>();
}

// ---------------------------------------------------------------------------
// std condvar.rs: wait_timeout_wake

template <class L>
void wait_timeout_max_millis_wakes_on_notify() {
  auto m = Arc<typename L::template Mutex<Unit>>::make();
  auto c = Arc<typename L::Condvar>::make();
  for (int attempt = 0;; ++attempt) {
    ASSERT_LT(attempt, 1000) << "never woken by the notify";
    auto g = L::lock(*m);
    auto notified = Arc<SharedFlag>::make();
    auto t = fearless::thread::spawn([m2 = m.clone(), c2 = c.clone(), notified_copy = notified.clone()] {
      auto g2 = L::lock(*m2);
      fearless::thread::sleep(1ms);
      notified_copy->value.store(true, std::memory_order_relaxed);
      c2->notify_one();
    });
    auto [g3, timeout_res] = L::wait_timeout(*c, std::move(g), kMaxMillis);
    // Even a spurious wake-up of an endless wait is not a time-out.
    EXPECT_FALSE(timeout_res.timed_out());
    const bool woke_by_notify = notified->value.load(std::memory_order_relaxed);
    { auto released = std::move(g3); }
    t.join().unwrap();
    if (woke_by_notify) break;  // otherwise a spurious wake-up: try again
  }
}

TEST(StdCondvar, PoisonWaitTimeoutWithU64MaxMillisWakesOnNotifyNotTimedOut) {
  wait_timeout_max_millis_wakes_on_notify<Poison>();
}
TEST(StdCondvar, NonpoisonWaitTimeoutWithU64MaxMillisWakesOnNotifyNotTimedOut) {
  wait_timeout_max_millis_wakes_on_notify<Nonpoison>();
}

// ---------------------------------------------------------------------------
// std barrier.rs: test_barrier

TEST(StdBarrier, TenThreadsAreHeldUntilTheLastArrivesAndExactlyOneLeads) {
  constexpr std::size_t kN = 10;
  auto barrier = Arc<fs::Barrier>::make(kN);
  auto [tx, rx] = mpsc::channel<bool>();
  std::vector<fearless::thread::JoinHandle<void>> threads;
  for (std::size_t i = 0; i + 1 < kN; ++i) {
    threads.push_back(fearless::thread::spawn([c = barrier.clone(), tx = tx.clone()] {
      tx.send(c->wait().is_leader()).unwrap();
    }));
  }

  // This thread has not arrived yet, so no spawned thread can be past the barrier.
  auto early = rx.try_recv();
  ASSERT_TRUE(early.is_err());
  EXPECT_TRUE(early.unwrap_err().is_empty());

  bool leader_found = barrier->wait().is_leader();

  // The round is complete: every other thread reports, and at most one more leads.
  for (std::size_t i = 0; i + 1 < kN; ++i) {
    auto r = rx.recv();
    ASSERT_TRUE(r.is_ok());
    if (std::move(r).unwrap()) {
      EXPECT_FALSE(leader_found) << "two leaders in one round";
      leader_found = true;
    }
  }
  EXPECT_TRUE(leader_found);
  for (auto& t : threads) t.join().unwrap();
}

// std barrier.rs: check_barrier_is_ref_unwind_safe — not ported: RefUnwindSafe
// is a Rust auto trait with no C++ counterpart.

}  // namespace
