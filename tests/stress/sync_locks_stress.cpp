// Stress: exact totals under contention for RwLock, Condvar hand-offs,
// Barrier rounds and OnceLock initialisation races (Mutex has its own file).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <random>
#include <stdexcept>
#include <vector>

#include "fearless/sync/barrier.hpp"
#include "fearless/sync/condvar.hpp"
#include "fearless/sync/mutex.hpp"
#include "fearless/sync/once_lock.hpp"
#include "fearless/sync/rwlock.hpp"
#include "fearless/thread.hpp"
#include "stress_common.hpp"

namespace {

using fearless::sync::Barrier;
using fearless::sync::Condvar;
using fearless::sync::Mutex;
using fearless::sync::OnceLock;
using fearless::sync::RwLock;
using fearless_stress::scaled;

// Writers keep a == b; readers must never see them differ.
TEST(RwLockStress, WritersExactReadersConsistent) {
  struct Pair {
    std::uint64_t a = 0, b = 0;
  };
  const std::size_t writers = 2, readers = 3, iters = scaled(400000, 100);
  RwLock<Pair> lock;
  std::atomic<std::uint64_t> torn{0}, reads{0};
  std::atomic<bool> writers_done{false};
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    std::vector<fearless::thread::ScopedJoinHandle<void>> ws;
    for (std::size_t w = 0; w < writers; ++w) {
      ws.push_back(s.spawn([&] {
        for (std::size_t i = 0; i < iters; ++i) {
          auto g = lock.write().unwrap();
          g->a += 1;
          g->b += 1;
        }
      }));
    }
    for (std::size_t r = 0; r < readers; ++r) {
      s.spawn([&] {
        do {
          auto g = lock.read().unwrap();
          if (g->a != g->b) torn.fetch_add(1);
          reads.fetch_add(1, std::memory_order_relaxed);
        } while (!writers_done.load());
      });
    }
    for (auto& h : ws) (void)h.join();
    writers_done.store(true);
  });
  EXPECT_EQ(torn.load(), 0u);
  EXPECT_GE(reads.load(), readers);
  auto p = std::move(lock).into_inner().unwrap();
  EXPECT_EQ(p.a, writers * iters);
  EXPECT_EQ(p.b, writers * iters);
}

// A writer that throws poisons the lock; read and write both report it, the
// data stays reachable and no increment is lost.
TEST(RwLockStress, PoisoningByThrowingWriters) {
  const std::size_t threads = 4, iters = scaled(20000, 50);
  RwLock<std::uint64_t> lock(0);
  std::atomic<std::uint64_t> thrown{0};
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    for (std::size_t t = 0; t < threads; ++t) {
      s.spawn([&, t] {
        for (std::size_t i = 0; i < iters; ++i) {
          if (i % 2 == 0) {
            auto r = lock.read();
            auto g = r.is_ok() ? std::move(r).unwrap() : std::move(r).unwrap_err().into_inner();
            (void)*g;
            continue;
          }
          try {
            auto r = lock.write();
            auto g = r.is_ok() ? std::move(r).unwrap() : std::move(r).unwrap_err().into_inner();
            *g += 1;
            if ((i + t) % 101 == 0) throw std::runtime_error("writer fault");
          } catch (const std::runtime_error&) {
            thrown.fetch_add(1);
          }
        }
      });
    }
  });
  ASSERT_GT(thrown.load(), 0u);
  EXPECT_TRUE(lock.is_poisoned());
  EXPECT_TRUE(lock.read().is_err());
  EXPECT_TRUE(lock.write().is_err());
  lock.clear_poison();
  EXPECT_FALSE(lock.is_poisoned());
  EXPECT_EQ(*lock.read().unwrap(), threads * (iters / 2));
}

// Ping-pong: two threads take turns `rounds` times through one Condvar.
TEST(CondvarStress, PingPongHandOffs) {
  const std::size_t rounds = scaled(20000, 100);
  struct Turn {
    int who = 0;
    std::uint64_t moves = 0;
  };
  Mutex<Turn> m;
  Condvar cv;
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    for (int me = 0; me < 2; ++me) {
      s.spawn([&, me] {
        for (std::size_t i = 0; i < rounds; ++i) {
          auto g = cv.wait_while(m.lock().unwrap(), [&](Turn& t) { return t.who != me; }).unwrap();
          g->moves += 1;
          g->who = 1 - me;
          cv.notify_all();
        }
      });
    }
  });
  EXPECT_EQ(m.lock().unwrap()->moves, 2 * rounds);
}

// A bounded buffer on Mutex + two Condvars: 3 producers, 3 consumers; some
// waits use random timeouts. Every item consumed exactly once.
TEST(CondvarStress, BoundedBufferExactlyOnce) {
  const std::size_t producers = 3, consumers = 3, per = scaled(30000, 50), total = producers * per;
  struct Buf {
    std::deque<std::uint32_t> q;
    std::size_t producers_left = 3;
  };
  Mutex<Buf> m;
  Condvar not_empty, not_full;
  std::vector<std::atomic<std::uint32_t>> seen(total);
  std::atomic<std::uint64_t> timeouts{0};
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    for (std::size_t p = 0; p < producers; ++p) {
      s.spawn([&, p] {
        std::mt19937 rng(static_cast<unsigned>(p));
        for (std::size_t i = 0; i < per; ++i) {
          auto g = m.lock().unwrap();
          if (rng() % 4 == 0) {
            for (;;) {
              auto [g2, to] = not_full.wait_timeout_while(std::move(g), std::chrono::microseconds(rng() % 100),
                                                          [](Buf& b) { return b.q.size() >= 8; })
                                  .unwrap();
              g = std::move(g2);
              if (!to.timed_out()) break;
              timeouts.fetch_add(1, std::memory_order_relaxed);
            }
          } else {
            g = not_full.wait_while(std::move(g), [](Buf& b) { return b.q.size() >= 8; }).unwrap();
          }
          g->q.push_back(static_cast<std::uint32_t>(p * per + i));
          not_empty.notify_one();
        }
        auto g = m.lock().unwrap();
        if (--g->producers_left == 0) not_empty.notify_all();
      });
    }
    for (std::size_t c = 0; c < consumers; ++c) {
      s.spawn([&] {
        for (;;) {
          auto g = not_empty.wait_while(m.lock().unwrap(), [](Buf& b) { return b.q.empty() && b.producers_left > 0; })
                       .unwrap();
          if (g->q.empty()) return;
          seen[g->q.front()].fetch_add(1);
          g->q.pop_front();
          not_full.notify_one();
        }
      });
    }
  });
  std::size_t bad = 0;
  for (auto& x : seen) bad += x.load() != 1;
  EXPECT_EQ(bad, 0u);
}

// Rounds of n threads: each increments the round's counter, waits; after the
// barrier every thread sees the full count, and each round has one leader.
TEST(BarrierStress, RoundsAndLeaders) {
  const std::size_t n = 4, rounds = scaled(5000, 20);
  Barrier barrier(n);
  std::vector<std::atomic<std::uint32_t>> arrived(rounds), leaders(rounds);
  std::atomic<std::uint64_t> early{0};
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    for (std::size_t t = 0; t < n; ++t) {
      s.spawn([&] {
        for (std::size_t r = 0; r < rounds; ++r) {
          arrived[r].fetch_add(1);
          if (barrier.wait().is_leader()) leaders[r].fetch_add(1);
          if (arrived[r].load() != n) early.fetch_add(1);
        }
      });
    }
  });
  EXPECT_EQ(early.load(), 0u);
  std::size_t bad = 0;
  for (std::size_t r = 0; r < rounds; ++r) bad += leaders[r].load() != 1 || arrived[r].load() != n;
  EXPECT_EQ(bad, 0u);
}

// Threads race to initialise fresh cells: exactly one initialiser runs per
// cell, everybody reads its value, set() losers get their value back.
TEST(OnceLockStress, InitialisationRaces) {
  const std::size_t threads = 4, cells = scaled(3000, 20);
  for (std::size_t c = 0; c < cells; ++c) {
    OnceLock<std::uint64_t> cell;
    std::atomic<std::uint32_t> inits{0}, set_ok{0};
    std::atomic<std::uint64_t> mismatch{0};
    Barrier start(threads);
    fearless::thread::scope([&](fearless::thread::Scope& s) {
      for (std::size_t t = 0; t < threads; ++t) {
        s.spawn([&, t] {
          (void)start.wait();
          std::uint64_t v = 0;
          if (t % 2 == 0) {
            v = cell.get_or_init([&] {
              inits.fetch_add(1);
              return 1000 + t;
            });
          } else {
            auto r = cell.set(2000 + t);
            if (r.is_ok()) {
              set_ok.fetch_add(1);
            } else if (std::move(r).unwrap_err() != 2000 + t) {
              mismatch.fetch_add(1);
            }
            v = cell.wait();
          }
          if (v != *cell.get()) mismatch.fetch_add(1);
        });
      }
    });
    ASSERT_EQ(inits.load() + set_ok.load(), 1u) << "cell " << c;
    ASSERT_EQ(mismatch.load(), 0u);
  }
}

}  // namespace
