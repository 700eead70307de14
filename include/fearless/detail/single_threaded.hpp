// Internal: "has this process ever started a second thread?" — glibc keeps the
// answer in __libc_single_threaded (it never goes back to true once a thread
// was created). While it is true no other thread can observe an atomic, so
// primitives may use plain loads and stores, as glibc's own mutex and
// libstdc++'s shared_ptr do. Creating a thread (pthread_create) orders those
// plain writes before anything the new thread does.
#pragma once
#include <atomic>

#include "fearless/detail/atomic.hpp"

#if !defined(FEARLESS_INTERLEAVE) && __has_include(<sys/single_threaded.h>)
#  include <sys/single_threaded.h>
#  define FEARLESS_HAVE_SINGLE_THREADED 1
#else
#  define FEARLESS_HAVE_SINGLE_THREADED 0
#endif

namespace fearless::detail {

#if FEARLESS_HAVE_SINGLE_THREADED
// Latches to true once any caller has seen __libc_single_threaded false. Read
// instead of glibc's byte on every call after that: the byte shares a cache
// line in libc's .bss with state other threads write (with 4+4 threads moving
// messages through an unbounded channel, which allocates a block per 31
// messages, reading the byte on each atomic operation made the mpmc
// benchmark 1.35x slower), while this flag sits alone on its line and is
// written once.
alignas(64) inline std::atomic<bool> g_seen_second_thread{false};
#endif

[[nodiscard]] inline bool process_single_threaded() noexcept {
#if FEARLESS_HAVE_SINGLE_THREADED
  // relaxed: a latch; nothing is published through it (thread creation
  // itself orders the single-threaded era's plain writes, see above).
  if (g_seen_second_thread.load(std::memory_order_relaxed)) return false;
  if (__libc_single_threaded != 0) return true;
  g_seen_second_thread.store(true, std::memory_order_relaxed);  // relaxed: as above
  return false;
#else
  return false;
#endif
}

// Read-modify-write operations that drop to a plain load and store while the
// process has one thread: with nobody to race, a locked instruction (20-40
// cycles) buys nothing. Used on the channels' per-message paths, so a channel
// used as a queue by a single thread (or before the first thread starts) costs
// what an unsynchronised ring does plus a branch on a cached byte.

// compare_exchange_weak. While single-threaded, `expected` was loaded by this
// very thread and nothing can have changed the atomic since, so the exchange
// would succeed: store `desired` and report success.
template <class T>
inline bool cas_weak_unless_alone(Atomic<T>& a, T& expected, T desired, std::memory_order success,
                                  std::memory_order failure) noexcept {
  if (process_single_threaded()) {
    a.store(desired, std::memory_order_relaxed);  // relaxed: no other thread exists (see above)
    return true;
  }
  return a.compare_exchange_weak(expected, desired, success, failure);
}

// fetch_add, returning the old value.
template <class T>
inline T fetch_add_unless_alone(Atomic<T>& a, T v, std::memory_order order) noexcept {
  if (process_single_threaded()) {
    const T old = a.load(std::memory_order_relaxed);  // relaxed: no other thread exists
    a.store(old + v, std::memory_order_relaxed);      // relaxed: as above
    return old;
  }
  return a.fetch_add(v, order);
}

// A sequentially consistent fence, needless with one thread.
inline void seq_cst_fence_unless_alone() noexcept {
  if (!process_single_threaded()) std::atomic_thread_fence(std::memory_order_seq_cst);
}

}  // namespace fearless::detail
