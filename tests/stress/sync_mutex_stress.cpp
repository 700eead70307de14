// Stress: Mutex<T> under contention. Exact totals with lock() and try_lock()
// mixed, and poisoning by exceptions thrown while the lock is held: every
// increment made before a throw is kept, the mutex stays usable, and every
// observed poisoning is accounted for.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <stdexcept>

#include "fearless/sync/mutex.hpp"
#include "fearless/thread.hpp"
#include "stress_common.hpp"

namespace {

using fearless::sync::Mutex;
using fearless_stress::scaled;

TEST(MutexStress, ExactTotalWithLockAndTryLock) {
  const std::size_t threads = 4;
  const std::size_t iters = scaled(500000, 100);
  Mutex<std::uint64_t> m(0);
  std::atomic<std::uint64_t> would_block{0};
  fearless::thread::scope([&](auto& s) {
    for (std::size_t t = 0; t < threads; ++t) {
      s.spawn([&, t] {
        for (std::size_t i = 0; i < iters; ++i) {
          if ((i + t) % 3 == 0) {
            for (;;) {
              auto r = m.try_lock();
              if (r.is_ok()) {
                *r.unwrap() += 1;
                break;
              }
              ASSERT_TRUE(r.unwrap_err().is_would_block());
              would_block.fetch_add(1, std::memory_order_relaxed);
              fearless::thread::yield_now();
            }
          } else {
            *m.lock().unwrap() += 1;
          }
        }
      });
    }
  });
  EXPECT_FALSE(m.is_poisoned());
  EXPECT_EQ(std::move(m).into_inner().unwrap(), threads * iters);
}

// A guard-holding thread throws every `period`-th iteration. The increment made
// before the throw stays; whoever sees the poison clears it and goes on.
TEST(MutexStress, PoisoningUnderContention) {
  const std::size_t threads = 4;
  const std::size_t iters = scaled(100000, 50);
  const std::size_t period = 97;
  struct State {
    std::uint64_t total = 0;
    std::uint64_t throws = 0;
  };
  Mutex<State> m;
  std::atomic<std::uint64_t> caught{0}, poison_seen{0};
  fearless::thread::scope([&](auto& s) {
    for (std::size_t t = 0; t < threads; ++t) {
      s.spawn([&, t] {
        for (std::size_t i = 0; i < iters; ++i) {
          try {
            auto r = m.lock();
            if (r.is_err()) {
              poison_seen.fetch_add(1, std::memory_order_relaxed);
              m.clear_poison();
            }
            auto g = r.is_ok() ? std::move(r).unwrap() : std::move(r).unwrap_err().into_inner();
            g->total += 1;
            if ((i * threads + t) % period == 0) {
              g->throws += 1;
              throw std::runtime_error("fault while holding the lock");
            }
          } catch (const std::runtime_error&) {
            caught.fetch_add(1, std::memory_order_relaxed);
          }
        }
      });
    }
  });
  auto r = std::move(m).into_inner();
  const bool poisoned_at_end = r.is_err();
  State st = poisoned_at_end ? std::move(r).unwrap_err().into_inner() : std::move(r).unwrap();
  EXPECT_EQ(st.total, threads * iters);
  EXPECT_EQ(st.throws, caught.load());
  // Each throw poisons once; each poisoning is seen (and cleared) by exactly
  // one later lock, except possibly the last one.
  EXPECT_EQ(poison_seen.load() + (poisoned_at_end ? 1 : 0), caught.load());
}

}  // namespace
