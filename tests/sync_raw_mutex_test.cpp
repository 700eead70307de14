#include "fearless/sync/raw_mutex.hpp"

#include <gtest/gtest.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>

#include "fearless/detail/asymmetric_fence.hpp"
#include "fearless/detail/futex.hpp"
#include "fearless/detail/raw_mutex.hpp"
#include "fearless/thread.hpp"
#include "sync_test_util.hpp"

#if FEARLESS_MEMBARRIER
#  include <linux/membarrier.h>
#endif

using fearless::sync::RawMutex;
using fearless::sync::RawMutexLock;

namespace {

struct Counter {
  RawMutex mu;
  long value FEARLESS_GUARDED_BY(mu) = 0;

  void add() {
    RawMutexLock hold(mu);
    ++value;
  }
  long get() {
    RawMutexLock hold(mu);
    return value;
  }
};

using sync_test::mutex_sleepers_everywhere;
using sync_test::woken_within_two_seconds;

}  // namespace

TEST(RawMutex, IsOneFutexWord) { EXPECT_EQ(sizeof(RawMutex), 4u); }

TEST(RawMutex, TryLockFailsWhileHeldAndSucceedsAfter) {
  RawMutex mu;
  mu.lock();
  EXPECT_TRUE(mu.is_locked());
  bool other = true;
  fearless::thread::spawn([&] {
    if (mu.try_lock()) {
      mu.unlock();
      other = true;
    } else {
      other = false;
    }
  }).join().unwrap();
  EXPECT_FALSE(other);
  mu.unlock();
  EXPECT_FALSE(mu.is_locked());
  if (mu.try_lock()) {
    mu.unlock();
  } else {
    ADD_FAILURE() << "try_lock failed on a free RawMutex";
  }
}

TEST(RawMutex, WorksWithStdLockGuard) {
  RawMutex mu;
  {
    std::lock_guard<RawMutex> g(mu);
    EXPECT_TRUE(mu.is_locked());
  }
  EXPECT_FALSE(mu.is_locked());
}

TEST(RawMutex, GuardedCounterTotalsAreExact) {
  Counter c;
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    for (int t = 0; t < kThreads; ++t) {
      s.spawn([&] {
        for (int i = 0; i < kEach; ++i) c.add();
      });
    }
  });
  EXPECT_EQ(c.get(), static_cast<long>(kThreads) * kEach);
}

// The handshake between unlock (a plain store, or a compare-exchange where
// membarrier is missing) and a waiter going to sleep: a waiter that has
// counted itself asleep is always woken by the next unlock. A lost wake-up
// leaves the waiter asleep on a free lock; the test notices it within two
// seconds, wakes the waiter itself, and stops.
TEST(RawMutex, UnlockWakesAThreadAsleepOnIt) {
  RawMutex mu;
  constexpr int kRounds = 100;
  int lost = 0;
  for (int round = 0; round < kRounds; ++round) {
    mu.lock();
    std::atomic<bool> got{false};
    auto waiter = fearless::thread::spawn([&] {
      mu.lock();
      got.store(true);
      mu.unlock();
    });
    // Past its polling rounds the waiter sleeps: counted in the table (the
    // asymmetric protocol) or flagged in the lock word (once the lock has
    // turned symmetric), which the test cannot see; give it 20 ms then.
    const auto asleep_by = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    while (mutex_sleepers_everywhere() == 0 && std::chrono::steady_clock::now() < asleep_by) std::this_thread::yield();
    mu.unlock();
    if (!woken_within_two_seconds(got, mu)) ++lost;
    waiter.join().unwrap();
    if (lost != 0) break;
  }
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(mutex_sleepers_everywhere(), 0u);
  // Every round fenced to sleep, more rounds than the limit: the lock has
  // switched to unlocking by compare-exchange, and the later rounds woke
  // their sleeper through the word's contended flag.
  EXPECT_TRUE(mu.unlocks_symmetrically());
}

// A lock starts with the asymmetric unlock wherever membarrier works, and
// switches for good after exactly kMutexFencedSleepsLimit lock() calls that
// had to fence before sleeping.
TEST(RawMutex, SwitchesToSymmetricUnlockAfterRepeatedSleeps) {
  using namespace fearless::detail;
  RawMutex mu;
  EXPECT_EQ(mu.unlocks_symmetrically(), asymmetric_mode() != kAsymmetricOn);
  if (asymmetric_mode() != kAsymmetricOn) return;
  int switched_after = -1;
  for (int round = 0; round < static_cast<int>(kMutexFencedSleepsLimit) + 8 && switched_after < 0; ++round) {
    mu.lock();
    auto waiter = fearless::thread::spawn([&] {
      mu.lock();
      mu.unlock();
    });
    while (mutex_sleepers_everywhere() == 0) std::this_thread::yield();
    mu.unlock();
    waiter.join().unwrap();
    if (mu.unlocks_symmetrically()) switched_after = round + 1;
  }
  EXPECT_EQ(switched_after, static_cast<int>(kMutexFencedSleepsLimit));
}

// Many threads, short critical sections, some of them sleeping: the totals
// are exact and every sleeper uncounts itself when it leaves.
TEST(RawMutex, SleeperCountsReturnToZero) {
  Counter c;
  constexpr int kThreads = 8;
  constexpr int kEach = 5000;
  fearless::thread::scope([&](fearless::thread::Scope& s) {
    for (int t = 0; t < kThreads; ++t) {
      s.spawn([&] {
        for (int i = 0; i < kEach; ++i) {
          c.add();
          if (i % 512 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
      });
    }
  });
  EXPECT_EQ(c.get(), static_cast<long>(kThreads) * kEach);
  EXPECT_EQ(mutex_sleepers_everywhere(), 0u);
}

// The unlock protocol in use: asymmetric (a plain store) exactly when the
// kernel offers private expedited membarrier and the build allows it.
TEST(RawMutex, UnlockProtocolMatchesTheKernel) {
  using namespace fearless::detail;
#if FEARLESS_MEMBARRIER
  const long cmds = ::syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  const bool kernel_has_it = cmds >= 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0;
  if (!kernel_has_it) {
    EXPECT_EQ(asymmetric_mode(), kAsymmetricOff);
  } else if (g_asymmetric_mode_at_start == kAsymmetricOn) {
    EXPECT_EQ(asymmetric_mode(), kAsymmetricOn);
  } else {
    // Only a process that was already multi-threaded at static
    // initialisation (a sanitizer runtime's helper thread) does without it.
    EXPECT_EQ(asymmetric_mode(), kAsymmetricOff);
  }
#else
  EXPECT_EQ(asymmetric_mode(), kAsymmetricOff);
#endif
}

// A poisoned word is released by compare-exchange (a concurrent clear_poison
// must not be overwritten); the flag survives unlock and lock.
TEST(RawMutex, PoisonFlagSurvivesUnlockAndLock) {
  RawMutex mu;
  mu.lock();
  mu.set_poisoned();
  mu.unlock();
  EXPECT_FALSE(mu.is_locked());
  EXPECT_TRUE(mu.is_poisoned());
  EXPECT_TRUE(mu.lock_poisoned());
  mu.clear_poison();
  mu.unlock();
  EXPECT_FALSE(mu.is_poisoned());
  EXPECT_FALSE(mu.lock_poisoned());
  mu.unlock();
  EXPECT_FALSE(mu.is_locked());
}

// The contended wait is a schedule of durations: the pause count is scaled by
// a per-process measurement of cpu_relax(), so a CPU with a longer or shorter
// pause (or aarch64's one-cycle `yield`) waits as long as the one the
// schedule was tuned on.
TEST(LockWaitSchedule, PauseCalibrationIsStableAndWithinItsBounds) {
  namespace d = fearless::detail;
  const std::uint32_t per_us = d::pauses_per_us();
  EXPECT_GE(per_us, d::kMinPausesPerUs);
  EXPECT_LE(per_us, d::kMaxPausesPerUs);
  EXPECT_EQ(d::pauses_per_us(), per_us);  // measured once per process
  EXPECT_EQ(d::pauses_for_ns(0), 1u);
  EXPECT_EQ(d::pauses_for_ns(1000), per_us);
  EXPECT_EQ(d::pauses_for_ns(d::kLockWaitRoundNs[0]), std::uint64_t{d::kLockWaitRoundNs[0]} * per_us / 1000);
  EXPECT_LT(d::pauses_for_ns(d::kLockWaitRoundNs[0]), d::pauses_for_ns(d::kLockWaitRoundNs[1]));
  EXPECT_LT(d::pauses_for_ns(d::kLockWaitRoundNs[1]), d::pauses_for_ns(d::kLockWaitRoundNs[2]));
}

TEST(LockWaitSchedule, FirstRoundLastsAtLeastAFractionOfItsTarget) {
  namespace d = fearless::detail;
  (void)d::pauses_per_us();
  // Preemption only lengthens a round, so the shortest of many is the one to
  // check; a calibration off by a factor of four or more fails here.
  std::int64_t shortest = -1;
  for (int i = 0; i < 50; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    d::lock_wait_round(0);
    const std::int64_t ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
    if (shortest < 0 || ns < shortest) shortest = ns;
  }
  EXPECT_GE(shortest, std::int64_t{d::kLockWaitRoundNs[0]} / 4);
}
