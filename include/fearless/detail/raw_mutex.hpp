// Internal: the futex-based lock under Mutex<T> and nonpoison::Mutex<T>, and
// the lock users can annotate against with Clang's thread-safety attributes.
//
//   fearless::detail::RawMutex mu;
//   int balance FEARLESS_GUARDED_BY(mu) = 0;
//   { fearless::detail::RawMutexLock lk(mu); ++balance; }
#pragma once
#include <cstdint>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/backoff.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/futex.hpp"
#include "fearless/detail/single_threaded.hpp"
#include "fearless/panic.hpp"

namespace fearless::detail {

// Tag for RawMutex's constructor that sets the poison flag from the start.
struct InitialPoison {
  bool poisoned;
};

// A 4-byte mutual-exclusion lock on one futex word, no heap, no std::mutex.
//
// Word layout: bits 0-1 are the lock state (0 free, kLocked, kLocked|kContended
// once a thread may be asleep), bit 2 is the poison flag of the Mutex<T> that
// owns it (kept here so sizeof(Mutex<int>) stays 8). Uncontended lock and
// unlock are one compare-exchange each. Under contention a thread waits a
// few bounded rounds (lock_wait_round in backoff.hpp), then sleeps on the
// futex; an unlock wakes one sleeper only when one may exist. Not fair (a
// running thread may overtake a woken one), which is what keeps throughput
// high, as in Rust's std, parking_lot and glibc. Until the process starts its
// second thread, lock and unlock are plain loads and stores.
class FEARLESS_CAPABILITY("mutex") RawMutex {
 public:
  static constexpr std::uint32_t kLocked = 1;
  static constexpr std::uint32_t kContended = 2;
  static constexpr std::uint32_t kLockMask = kLocked | kContended;
  static constexpr std::uint32_t kPoisoned = 4;

  constexpr RawMutex() noexcept = default;
  // Internal: an unlocked mutex whose poison flag starts as `p.poisoned` (the
  // Mutex<T> a move builds inherits its source's flag without an atomic RMW).
  constexpr explicit RawMutex(InitialPoison p) noexcept : word_(p.poisoned ? kPoisoned : 0) {}
  RawMutex(const RawMutex&) = delete;
  RawMutex& operator=(const RawMutex&) = delete;

  // Blocks until the lock is acquired. Not reentrant: locking it twice from
  // one thread deadlocks.
  void lock() noexcept FEARLESS_ACQUIRE() { (void)lock_poisoned(); }

  // lock(), returning the poison flag as it was when the lock was taken (saves
  // Mutex<T> a second read of the word).
  [[nodiscard]] bool lock_poisoned() noexcept FEARLESS_ACQUIRE() {
    if (process_single_threaded()) {
      // relaxed: no other thread exists to order against (see single_threaded.hpp).
      const std::uint32_t w = word_.load(std::memory_order_relaxed);
      if (FEARLESS_LIKELY((w & kLockMask) == 0)) {
        word_.store(w | kLocked, std::memory_order_relaxed);
        return (w & kPoisoned) != 0;
      }
    }
    std::uint32_t s = 0;
    // acquire: pairs with the release in unlock(), making the previous
    // holder's writes visible to us.
    if (FEARLESS_LIKELY(word_.compare_exchange_strong(s, kLocked, std::memory_order_acquire,
                                                      std::memory_order_relaxed)))
      return false;
    return (lock_contended(s) & kPoisoned) != 0;
  }

  // Acquires the lock if it is free; never blocks.
  [[nodiscard]] bool try_lock() noexcept FEARLESS_TRY_ACQUIRE(true) {
    std::uint32_t s = word_.load(std::memory_order_relaxed);
    while ((s & kLockMask) == 0) {
      // acquire: pairs with the release in unlock().
      if (word_.compare_exchange_weak(s, s | kLocked, std::memory_order_acquire, std::memory_order_relaxed))
        return true;
    }
    return false;
  }

  // Releases the lock. Only the holder may call it.
  void unlock() noexcept FEARLESS_RELEASE() {
    if (process_single_threaded()) {
      // relaxed: no other thread exists, so none can be asleep on the word either.
      word_.store(word_.load(std::memory_order_relaxed) & kPoisoned, std::memory_order_relaxed);
      return;
    }
    std::uint32_t s = kLocked;
    // release: publishes the critical section to the next holder (pairs with
    // the acquire of lock/try_lock).
    if (FEARLESS_LIKELY(word_.compare_exchange_strong(s, 0, std::memory_order_release, std::memory_order_relaxed)))
      return;
    unlock_slow(s);
  }

  // A snapshot: true if some thread holds the lock.
  [[nodiscard]] bool is_locked() const noexcept {
    // relaxed: a hint only, nothing is read on the strength of it.
    return (word_.load(std::memory_order_relaxed) & kLocked) != 0;
  }

  // The poison flag: set while the lock is held (by a guard dropped during
  // unwinding), read right after acquiring, cleared at any time.
  [[nodiscard]] bool is_poisoned() const noexcept {
    // relaxed: a holder reads it after its acquire, which already ordered the
    // setter's write (made before its release); outside the lock it is a snapshot.
    return (word_.load(std::memory_order_relaxed) & kPoisoned) != 0;
  }
  void set_poisoned() noexcept {
    // relaxed: ordered before the following unlock()'s release.
    word_.fetch_or(kPoisoned, std::memory_order_relaxed);
  }
  void clear_poison() noexcept {
    // relaxed: the flag guards no data of its own.
    word_.fetch_and(~kPoisoned, std::memory_order_relaxed);
  }

 private:
  // Returns the word as it was just before our acquiring CAS.
  FEARLESS_NOINLINE std::uint32_t lock_contended(std::uint32_t s) noexcept {
    // A thread that has slept takes the lock as contended: other sleepers may
    // remain, so its unlock must wake one (the unlock that woke it cleared
    // the flag).
    std::uint32_t contended = 0;
    int round = 0;
    for (;;) {
      if ((s & kLockMask) == 0) {
        // acquire: pairs with the release in unlock().
        if (word_.compare_exchange_weak(s, s | kLocked | contended, std::memory_order_acquire,
                                        std::memory_order_relaxed))
          return s;
        continue;
      }
      if ((s & kContended) == 0 && round < kLockWaitRounds) {
        lock_wait_round(round++);
        // relaxed: a poll; the acquiring CAS above does the synchronisation.
        s = word_.load(std::memory_order_relaxed);
        continue;
      }
      if ((s & kContended) == 0) {
        // relaxed: only announces a sleeper; the holder's unlock reads it with its CAS.
        if (!word_.compare_exchange_weak(s, s | kContended, std::memory_order_relaxed, std::memory_order_relaxed))
          continue;
        s |= kContended;
      }
      futex_wait(word_, s);
      contended = kContended;
      round = 0;
      // relaxed: re-examined and acquired by the CAS above.
      s = word_.load(std::memory_order_relaxed);
    }
  }

  FEARLESS_NOINLINE void unlock_slow(std::uint32_t s) noexcept {
    // Keep the poison bit, drop the lock bits. release: as in unlock().
    while (!word_.compare_exchange_weak(s, s & kPoisoned, std::memory_order_release, std::memory_order_relaxed)) {
    }
    if (s & kContended) futex_wake(word_, 1);
  }

  Atomic<std::uint32_t> word_{0};
};

// Scoped holder of a RawMutex (std::lock_guard for RawMutex), visible to the
// thread-safety analysis.
class FEARLESS_SCOPED_CAPABILITY RawMutexLock {
 public:
  explicit RawMutexLock(RawMutex& m) noexcept FEARLESS_ACQUIRE(m) : m_(m) { m_.lock(); }
  ~RawMutexLock() FEARLESS_RELEASE() { m_.unlock(); }
  RawMutexLock(const RawMutexLock&) = delete;
  RawMutexLock& operator=(const RawMutexLock&) = delete;

 private:
  RawMutex& m_;
};

static_assert(sizeof(RawMutex) == 4);

// The panics of a move that finds a lock held, shared by the poisoning and
// nonpoison flavours (the same contract, so the same words).
struct MovePanics {
  const char* moved;     // the source is held
  const char* assigned;  // the target of a move assignment is held
};
inline constexpr MovePanics kMutexMovePanics{
    "cannot move a Mutex while it is locked (a guard on it is alive, or another thread holds it)",
    "cannot assign to a Mutex while it is locked (a guard on it is alive, or another thread holds it)"};
inline constexpr MovePanics kRwLockMovePanics{
    "cannot move an RwLock while it is locked (a guard on it is alive, or another thread holds it)",
    "cannot assign to an RwLock while it is locked (a guard on it is alive, or another thread holds it)"};

// Internal: holds the lock of a Mutex<T> or RwLock<T> (or a nonpoison twin)
// for the length of a move out of or into it. Its acquire orders the move
// after the last holder's writes, and a thread that wrongly locks the object
// meanwhile waits instead of seeing a half-moved value. Taken with try_lock,
// never waited for: a held lock means a guard is alive (waiting for it on
// this thread would deadlock) or another thread can still reach the object,
// a broken move contract either way, so a held lock panics. Not reported to
// the lock-order checker: it never blocks, so it cannot close a deadlock cycle.
template <class Raw>
class [[nodiscard]] MoveLock {
 public:
  // Panics (fearless::Panic) with `message` if `r` is held.
  MoveLock(Raw& r, const char* message) FEARLESS_NO_THREAD_SAFETY_ANALYSIS : r_(r) {
    if (!r_.try_lock()) locked(message);
  }
  ~MoveLock() FEARLESS_NO_THREAD_SAFETY_ANALYSIS { r_.unlock(); }
  MoveLock(const MoveLock&) = delete;
  MoveLock& operator=(const MoveLock&) = delete;

 private:
  [[noreturn]] FEARLESS_COLD static void locked(const char* message) { panic(message); }
  Raw& r_;
};

}  // namespace fearless::detail
