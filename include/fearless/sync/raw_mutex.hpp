// fearless/sync/raw_mutex.hpp — the bare lock under Mutex<T>, for data that
// Clang's thread-safety analysis should check.
//
// Mutex<T> keeps its data inside the lock, so nothing needs checking there.
// For state that cannot move inside a Mutex (several members guarded by one
// lock, a C struct), declare it FEARLESS_GUARDED_BY a RawMutex and touch it
// under a RawMutexLock; `clang -Wthread-safety` then rejects any access made
// without the lock held:
//
//   struct Account {
//     fearless::sync::RawMutex mu;
//     int balance FEARLESS_GUARDED_BY(mu) = 0;
//     void deposit(int v) { fearless::sync::RawMutexLock hold(mu); balance += v; }   // ok
//     int peek() { return balance; }   // error: reading 'balance' requires holding mutex 'mu'
//   };
//
// RawMutex: 4 bytes, one futex word, no heap; lock() blocks (parked, no CPU),
// try_lock() never blocks, unlock() never blocks and wakes one sleeper only
// if one may exist (a plain store where membarrier(2) is available, see
// docs/shared_state.md).
// Not reentrant, not poisoning, and not seen by the lock-order checker (use
// Mutex<T> for those). lock()/try_lock()/unlock() are non-const, as
// std::mutex's (lock_api's RawMutex takes &self): inside an object whose
// const members lock it (one shared through an Arc, which gives only const
// access), declare it `mutable`, the usual C++ idiom; an Arc<RawMutex> on its
// own cannot be locked; share a Mutex<T> instead. The annotation macros (FEARLESS_GUARDED_BY,
// FEARLESS_REQUIRES, FEARLESS_ACQUIRE, ...) come with this header and expand to
// nothing on compilers without the analysis.
#pragma once
#include "fearless/detail/config.hpp"
#include "fearless/detail/raw_mutex.hpp"

namespace fearless::sync {

// A mutual-exclusion lock without data, annotated as a Clang capability.
// lock()/unlock()/try_lock() as std::mutex (it satisfies Lockable, so
// std::lock_guard and std::unique_lock work too). O(1) uncontended.
using RawMutex = detail::RawMutex;

// Holds a RawMutex for its lifetime (a std::lock_guard the analysis understands).
using RawMutexLock = detail::RawMutexLock;

}  // namespace fearless::sync
