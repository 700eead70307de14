// One RawMutex used from two shared objects built with hidden visibility
// (dso_a.cpp, dso_b.cpp): they share the process-wide state of the lock.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "fearless/detail/futex.hpp"
#include "fearless/detail/raw_mutex.hpp"
#include "fearless/thread.hpp"
#include "../sync_test_util.hpp"

using fearless::detail::RawMutex;

const void* dso_a_sleeper_table();
const void* dso_a_mode_flag();
void dso_a_lock(RawMutex& m);
void dso_a_unlock(RawMutex& m);
const void* dso_b_sleeper_table();
const void* dso_b_mode_flag();
void dso_b_lock(RawMutex& m);
void dso_b_unlock(RawMutex& m);

using sync_test::mutex_sleepers_everywhere;
using sync_test::woken_within_two_seconds;

TEST(MutexAcrossSharedObjects, OneSleeperTableAndOneProtocol) {
  EXPECT_EQ(dso_a_sleeper_table(), dso_b_sleeper_table());
  EXPECT_EQ(dso_a_sleeper_table(), static_cast<const void*>(&fearless::detail::g_mutex_sleepers));
  EXPECT_EQ(dso_a_mode_flag(), dso_b_mode_flag());
}

// Locked and unlocked through one shared object while a thread sleeps on it
// through the other: the sleeper is woken every time. A lost wake-up is
// noticed within two seconds; the test then wakes the futex itself and stops.
TEST(MutexAcrossSharedObjects, UnlockInOneWakesASleeperFromTheOther) {
  RawMutex mu;
  int lost = 0;
  for (int round = 0; round < 50 && lost == 0; ++round) {
    dso_a_lock(mu);
    std::atomic<bool> got{false};
    auto waiter = fearless::thread::spawn([&] {
      dso_b_lock(mu);
      got.store(true);
      dso_b_unlock(mu);
    });
    while (mutex_sleepers_everywhere() == 0 && dso_a_sleeper_table() == dso_b_sleeper_table())
      std::this_thread::yield();
    if (dso_a_sleeper_table() != dso_b_sleeper_table())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let it fall asleep
    dso_a_unlock(mu);
    if (!woken_within_two_seconds(got, mu)) ++lost;
    waiter.join().unwrap();
  }
  EXPECT_EQ(lost, 0);
}
