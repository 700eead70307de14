// Internal: the futex-based lock under Mutex<T> and nonpoison::Mutex<T>, and
// the lock users can annotate against with Clang's thread-safety attributes.
//
//   fearless::detail::RawMutex mu;
//   int balance FEARLESS_GUARDED_BY(mu) = 0;
//   { fearless::detail::RawMutexLock lk(mu); ++balance; }
#pragma once
#include <cstddef>
#include <cstdint>

#include "fearless/detail/asymmetric_fence.hpp"
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

// How many threads sleep (or are about to) on each RawMutex, kept outside the
// lock word, in buckets chosen by the word's address. A count here is what
// lets unlock() release the lock with a plain store: were the "someone sleeps"
// flag in the lock word, as in glibc or parking_lot, a plain store could
// overwrite a waiter's flag, so every unlock would need a locked instruction.
// Mutexes that share a bucket only cost each other a futex_wake with nobody
// to wake while one of them has sleepers.
// One table per process (see FEARLESS_PROCESS_WIDE).
inline constexpr unsigned kMutexSleeperBucketsLog2 = 9;
struct MutexSleeperTable {
  Atomic<std::uint32_t> count[std::size_t{1} << kMutexSleeperBucketsLog2]{};
};
alignas(64) FEARLESS_PROCESS_WIDE inline MutexSleeperTable g_mutex_sleepers;

// How many times threads must have gone through the heavy fence to sleep on
// one RawMutex before it switches to unlocking by compare-exchange for good
// (see RawMutex). At most 255.
#ifdef FEARLESS_MUTEX_FENCED_SLEEPS_LIMIT
inline constexpr std::uint32_t kMutexFencedSleepsLimit = FEARLESS_MUTEX_FENCED_SLEEPS_LIMIT;
#else
inline constexpr std::uint32_t kMutexFencedSleepsLimit = 64;
#endif
static_assert(kMutexFencedSleepsLimit >= 1 && kMutexFencedSleepsLimit <= 255);

// A 4-byte mutual-exclusion lock on one futex word, no heap, no std::mutex.
//
// Word layout: bit 0 is the lock; bit 1 (kSymmetric, sticky) says this lock
// unlocks by compare-exchange; bit 2 is the poison flag of the Mutex<T> that
// owns it (kept here so sizeof(Mutex<int>) stays 8); bit 3 (kContended) says
// a thread may sleep on a symmetric lock; bits 8-15 count fenced sleeps
// (below). Waiters on a lock without kSymmetric count themselves in
// g_mutex_sleepers, not in the word.
//
// Lock is a load and one compare-exchange from the value loaded. Unlock is a
// plain store and a load of the sleeper count, ordered by an asymmetric
// fence pair (asymmetric_fence.hpp): a
// waiter, before it sleeps, counts itself and then runs the heavy fence
// (membarrier), so either the unlocker's load sees the count and wakes it,
// or the waiter's check of the word sees the lock free.
//
// The heavy fence costs a sleeper 11-12 us on a virtual machine, longer than
// many critical sections, so a lock whose waiters keep sleeping (held for
// microseconds while others queue) would pay it on almost every lock. Each
// lock() that had to fence before sleeping adds one to the count in bits
// 8-15 once it holds the lock; at kMutexFencedSleepsLimit the holder sets
// kSymmetric, and from then on this lock unlocks by seq_cst compare-exchange
// and its waiters announce themselves with kContended and sleep without the
// heavy fence (the symmetric protocol, as in glibc). Only holders change
// kSymmetric and the count, and kSymmetric is never cleared, so a waiter
// that reads it is sure that the holder it waits for, and every later one,
// unlocks by compare-exchange. Where membarrier is unavailable every unlock
// is a compare-exchange and the heavy fence is a plain seq_cst fence.
//
// Under contention a thread waits a few bounded rounds (lock_wait_round in
// backoff.hpp), on a symmetric lock only while kContended is clear, then
// sleeps on the futex.
// Not fair (a running thread may overtake a woken one), which is what keeps
// throughput high, as in Rust's std, parking_lot and glibc. Until the process
// starts its second thread, lock is a plain load and store.
class FEARLESS_CAPABILITY("mutex") RawMutex {
 public:
  static constexpr std::uint32_t kLocked = 1;
  static constexpr std::uint32_t kSymmetric = 2;
  static constexpr std::uint32_t kPoisoned = 4;
  static constexpr std::uint32_t kContended = 8;
  static constexpr std::uint32_t kFencedSleepUnit = 1u << 8;
  static constexpr std::uint32_t kFencedSleepMask = 0xFFu << 8;

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
      if (FEARLESS_LIKELY((w & kLocked) == 0)) {
        word_.store(w | kLocked, std::memory_order_relaxed);
        return (w & kPoisoned) != 0;
      }
    }
    // relaxed: only picks the expected value; the CAS below synchronises.
    std::uint32_t s = word_.load(std::memory_order_relaxed);
    // acquire: pairs with the release in unlock(), making the previous
    // holder's writes visible to us. Expecting the word as loaded (not 0)
    // lets a lock with flags or a fenced-sleep count be taken in one CAS.
    if (FEARLESS_LIKELY((s & kLocked) == 0 && word_.compare_exchange_strong(s, s | kLocked, std::memory_order_acquire,
                                                                            std::memory_order_relaxed)))
      return (s & kPoisoned) != 0;
    return (lock_contended(s) & kPoisoned) != 0;
  }

  // Acquires the lock if it is free; never blocks.
  [[nodiscard]] bool try_lock() noexcept FEARLESS_TRY_ACQUIRE(true) {
    std::uint32_t s = word_.load(std::memory_order_relaxed);
    while ((s & kLocked) == 0) {
      // acquire: pairs with the release in unlock().
      if (word_.compare_exchange_weak(s, s | kLocked, std::memory_order_acquire, std::memory_order_relaxed))
        return true;
    }
    return false;
  }

  // Releases the lock. Only the holder may call it.
  void unlock() noexcept FEARLESS_RELEASE() {
    // Invariant relied on by the plain store: while a lock without
    // kSymmetric is held, other threads do not change its word (acquiring
    // compare-exchanges fail, clear_poison() on a clear flag changes nothing,
    // sleepers count themselves in the table; only on a symmetric lock do
    // they set kContended). Only the holder sets kSymmetric, the poison flag
    // and the fenced-sleep count. relaxed: the holder reading its own word.
    const std::uint32_t w = word_.load(std::memory_order_relaxed);
    if (FEARLESS_LIKELY(asymmetric_mode() == kAsymmetricOn && (w & (kSymmetric | kPoisoned | kContended)) == 0)) {
      // release: publishes the critical section to the next holder (pairs
      // with the acquire of lock/try_lock).
      word_.store(w & ~kLocked, std::memory_order_release);
      // Pairs with the heavy fence of a waiter between counting itself and
      // checking the word (lock_contended).
      asymmetric_light_fence();
      // relaxed: ordered after the store by the fence pair above.
      if (FEARLESS_LIKELY(sleepers().load(std::memory_order_relaxed) == 0)) return;
      futex_wake(word_, 1);
      return;
    }
    unlock_symmetric();
  }

  // A snapshot: true if some thread holds the lock.
  [[nodiscard]] bool is_locked() const noexcept {
    // relaxed: a hint only, nothing is read on the strength of it.
    return (word_.load(std::memory_order_relaxed) & kLocked) != 0;
  }

  // True once this lock unlocks by compare-exchange (see the class comment).
  [[nodiscard]] bool unlocks_symmetrically() const noexcept {
    // relaxed: a snapshot of a flag that is never cleared.
    return asymmetric_mode() != kAsymmetricOn || (word_.load(std::memory_order_relaxed) & kSymmetric) != 0;
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
  // This lock's sleeper count (shared with the mutexes in the same bucket).
  [[nodiscard]] Atomic<std::uint32_t>& sleepers() const noexcept {
    // Fibonacci hashing: the top bits of the address times 2^64/phi.
    const std::uint64_t a = reinterpret_cast<std::uintptr_t>(&word_);
    return g_mutex_sleepers.count[(a * 0x9E3779B97F4A7C15ull) >> (64 - kMutexSleeperBucketsLog2)];
  }

  // Returns the word as it was just before our acquiring CAS.
  FEARLESS_NOINLINE std::uint32_t lock_contended(std::uint32_t s) noexcept {
    Atomic<std::uint32_t>& sleeping = sleepers();
    int round = 0;
    bool fenced = false;            // this call ran the heavy fence before sleeping
    std::uint32_t contended = 0;    // kContended once we slept on a symmetric lock
    for (;;) {
      if ((s & kLocked) == 0) {
        // A thread that slept on a symmetric lock takes it as contended:
        // other sleepers may remain, so its unlock must wake one (the unlock
        // that woke it cleared the flag). acquire: pairs with the release in unlock().
        if (word_.compare_exchange_weak(s, s | kLocked | (contended & ((s & kSymmetric) != 0 ? kContended : 0)),
                                        std::memory_order_acquire, std::memory_order_relaxed)) {
          if (fenced) count_fenced_sleep(s);
          return s;
        }
        continue;
      }
      // Poll a few rounds first (on a symmetric lock only while nobody
      // sleeps on it, so a newcomer does not keep overtaking sleepers).
      if (round < kLockWaitRounds && (s & kContended) == 0) {
        lock_wait_round(round++);
        // relaxed: a poll; the acquiring CAS above does the synchronisation.
        s = word_.load(std::memory_order_relaxed);
        continue;
      }
      if ((s & kSymmetric) != 0) {
        // The symmetric protocol (glibc's): announce a sleeper in the word
        // itself; the holder's unlock is a compare-exchange that sees it.
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
        continue;
      }
      // The asymmetric protocol: count ourselves in the table, run the heavy
      // fence, then look at the word again. Either the unlocker's load of
      // the count comes after our fence (it sees us and wakes us) or its
      // store of the free word is visible to our load (we do not sleep).
      // seq_cst (count and load): if the lock has meanwhile turned
      // symmetric, pairs with unlock_symmetric's seq_cst CAS and load.
      sleeping.fetch_add(1, std::memory_order_seq_cst);
      asymmetric_heavy_fence();
      fenced = true;
      s = word_.load(std::memory_order_seq_cst);
      if ((s & kLocked) != 0) futex_wait(word_, s);
      // relaxed: a count that reads high for a moment costs an unlocker one
      // futex_wake with nobody to wake.
      sleeping.fetch_sub(1, std::memory_order_relaxed);
      round = 0;
      // relaxed: re-examined and acquired by the CAS above.
      s = word_.load(std::memory_order_relaxed);
    }
  }

  // Called by the new holder after a lock() that fenced to sleep; `s` is the
  // word as it was before we took the lock.
  void count_fenced_sleep(std::uint32_t s) noexcept {
    if ((s & kSymmetric) != 0) return;
    // relaxed (both): only holders change these bits, and the next holder
    // reads them after the acquire that pairs with our unlock.
    if (((s & kFencedSleepMask) / kFencedSleepUnit) + 1 >= kMutexFencedSleepsLimit) {
      word_.fetch_or(kSymmetric, std::memory_order_relaxed);
    } else {
      word_.fetch_add(kFencedSleepUnit, std::memory_order_relaxed);
    }
  }

  // unlock() where the plain store may not be used: membarrier unavailable
  // (or not yet decided), the lock switched to kSymmetric, or the poison flag
  // set (a concurrent clear_poison must not be overwritten).
  void unlock_symmetric() noexcept {
    if (process_single_threaded()) {
      // relaxed: no other thread exists, so none can be asleep on the word either.
      word_.store(word_.load(std::memory_order_relaxed) & ~(kLocked | kContended), std::memory_order_relaxed);
      return;
    }
    // relaxed: the compare-exchange below re-checks it.
    std::uint32_t s = word_.load(std::memory_order_relaxed);
    // seq_cst: releases the critical section (pairs with the acquire of
    // lock/try_lock) and, with the load of the count below, is the
    // unlocker's half of the handshake with a waiter that counted itself in
    // the table before the lock turned symmetric (see lock_contended).
    while (!word_.compare_exchange_weak(s, s & ~(kLocked | kContended), std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
    }
    if ((s & kContended) != 0 || sleepers().load(std::memory_order_seq_cst) != 0) futex_wake(word_, 1);
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
