// Faults in shared-state primitives: Condvar predicates that throw (the guard
// unwinds, so the mutex is poisoned, as a panic in Rust's wait_while closure
// would), OnceLock initialisers that throw (the cell stays empty and the next
// caller initialises it), Once closures that throw (the Once is poisoned;
// call_once panics, call_once_force runs and sees the poison).
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <stdexcept>
#include <vector>

#include "fearless/sync/barrier.hpp"
#include "fearless/sync/condvar.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/once.hpp"
#include "fearless/sync/once_lock.hpp"
#include "fearless/thread.hpp"
#include "stress_common.hpp"

namespace {

using fearless::sync::Barrier;
using fearless::sync::Condvar;
using fearless::sync::Mutex;
using fearless::sync::Once;
using fearless::sync::OnceLock;
using fearless_stress::scaled;

struct PredicateFault : std::runtime_error {
  PredicateFault() : std::runtime_error("predicate fault") {}
};

TEST(CondvarFaults, ThrowingPredicatePoisonsAndKeepsData) {
  Mutex<int> m(41);
  Condvar cv;
  EXPECT_THROW((void)cv.wait_while(m.lock().unwrap(),
                                   [](int& v) -> bool {
                                     v += 1;
                                     throw PredicateFault();
                                   }),
               PredicateFault);
  EXPECT_TRUE(m.is_poisoned());
  auto r = m.lock();
  ASSERT_TRUE(r.is_err());
  EXPECT_EQ(*std::move(r).unwrap_err().into_inner(), 42);
  m.clear_poison();
  // Still a working mutex + condvar pair.
  auto g = cv.wait_while(m.lock().unwrap(), [](int& v) { return v != 42; }).unwrap();
  EXPECT_EQ(*g, 42);
}

// Consumers wait with a predicate that throws now and then; they recover
// (clear the poison) and retry. Every item is consumed exactly once.
TEST(CondvarFaults, ThrowingPredicatesUnderContention) {
  const std::size_t items = scaled(20000, 100), consumers = 3;
  struct Q {
    std::deque<std::uint32_t> q;
    bool done = false;
  };
  Mutex<Q> m;
  Condvar cv;
  std::vector<std::atomic<std::uint32_t>> seen(items);
  std::atomic<std::uint64_t> evaluations{0}, throws{0}, poison_seen{0};
  auto lock_recovering = [&] {
    auto r = m.lock();
    if (r.is_ok()) return std::move(r).unwrap();
    poison_seen.fetch_add(1);
    m.clear_poison();
    return std::move(r).unwrap_err().into_inner();
  };
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    for (std::size_t c = 0; c < consumers; ++c) {
      s.spawn([&] {
        for (;;) {
          try {
            auto g = cv.wait_while(lock_recovering(), [&](Q& q) {
              if (evaluations.fetch_add(1) % 13 == 12) {
                throws.fetch_add(1);
                throw PredicateFault();
              }
              return q.q.empty() && !q.done;
            });
            auto guard = g.is_ok() ? std::move(g).unwrap() : std::move(g).unwrap_err().into_inner();
            if (guard->q.empty()) return;  // done
            seen[guard->q.front()].fetch_add(1);
            guard->q.pop_front();
          } catch (const PredicateFault&) {
          }
        }
      });
    }
    for (std::size_t i = 0; i < items; ++i) {
      lock_recovering()->q.push_back(static_cast<std::uint32_t>(i));
      cv.notify_one();
    }
    lock_recovering()->done = true;
    cv.notify_all();
  });
  ASSERT_GT(throws.load(), 0u);
  std::size_t bad = 0;
  for (auto& x : seen) bad += x.load() != 1;
  EXPECT_EQ(bad, 0u);
  // Every throw poisoned the mutex; each poisoning was cleared by the next
  // locker that saw it, or is still set.
  EXPECT_EQ(poison_seen.load() + (m.is_poisoned() ? 1 : 0) <= throws.load(), true);
  EXPECT_GT(poison_seen.load(), 0u);
}

// Initialisers throw for the first `failures` attempts across all threads:
// each exception reaches its caller, the cell stays empty meanwhile, and
// exactly one initialiser finally stores a value everybody sees.
TEST(OnceLockFaults, ThrowingInitialisersAreRetried) {
  const std::size_t cells = scaled(2000, 20), threads = 4;
  std::uint64_t total_throws = 0;
  for (std::size_t c = 0; c < cells; ++c) {
    OnceLock<std::uint64_t> cell;
    std::atomic<std::uint32_t> attempts{0}, successes{0}, caught{0};
    const std::uint32_t failures = static_cast<std::uint32_t>(c % 4);
    Barrier start(threads);
    std::vector<std::uint64_t> seen(threads, 0);
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t t = 0; t < threads; ++t) {
        s.spawn([&, t] {
          (void)start.wait();
          for (;;) {
            try {
              seen[t] = cell.get_or_init([&]() -> std::uint64_t {
                if (attempts.fetch_add(1) < failures) throw std::runtime_error("init fault");
                successes.fetch_add(1);
                return 100 + t;
              });
              return;
            } catch (const std::runtime_error&) {
              caught.fetch_add(1);
            }
          }
        });
      }
    });
    ASSERT_EQ(successes.load(), 1u);
    ASSERT_EQ(caught.load(), failures);
    ASSERT_NE(cell.get(), nullptr);
    for (auto v : seen) ASSERT_EQ(v, *cell.get());
    total_throws += caught.load();
  }
  EXPECT_GT(total_throws, 0u);
}

TEST(OnceFaults, ThrowingClosurePoisons) {
  Once once;
  EXPECT_THROW(once.call_once([] { throw std::runtime_error("once fault"); }), std::runtime_error);
  EXPECT_FALSE(once.is_completed());
  EXPECT_THROW(once.call_once([] {}), fearless::Panic);  // poisoned
  bool saw_poison = false;
  once.call_once_force([&](const fearless::sync::OnceState& st) { saw_poison = st.is_poisoned(); });
  EXPECT_TRUE(saw_poison);
  EXPECT_TRUE(once.is_completed());
  int runs = 0;
  once.call_once([&] { ++runs; });
  EXPECT_EQ(runs, 0);
}

}  // namespace
