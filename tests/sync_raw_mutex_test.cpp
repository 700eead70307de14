#include "fearless/sync/raw_mutex.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "fearless/thread.hpp"

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
