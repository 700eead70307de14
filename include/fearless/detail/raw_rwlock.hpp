// Internal: the futex-based reader-writer lock under RwLock<T> and
// nonpoison::RwLock<T> (the algorithm of Rust's std futex RwLock).
#pragma once
#include <cstdint>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/backoff.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/futex.hpp"
#include "fearless/panic.hpp"

namespace fearless::detail {

// 8 bytes: a state word and a writer wake-up counter.
//
// State: bits 0-29 count readers (kWriteLocked = all ones means a writer holds
// it), bit 30 = readers are asleep on `state_`, bit 31 = writers are asleep on
// `writer_notify_`. Writers are preferred: a new reader does not join while a
// writer waits, so a stream of readers cannot starve writers. On unlock one
// writer is woken if any waits, otherwise all readers.
class FEARLESS_CAPABILITY("mutex") RawRwLock {
 public:
  constexpr RawRwLock() noexcept = default;
  RawRwLock(const RawRwLock&) = delete;
  RawRwLock& operator=(const RawRwLock&) = delete;

  [[nodiscard]] bool try_lock_shared() noexcept FEARLESS_TRY_ACQUIRE_SHARED(true) {
    std::uint32_t s = state_.load(std::memory_order_relaxed);
    while (is_read_lockable(s)) {
      // acquire: pairs with the release of unlock() by the last writer.
      if (state_.compare_exchange_weak(s, s + kReadLocked, std::memory_order_acquire, std::memory_order_relaxed))
        return true;
    }
    return false;
  }

  // Blocks while a writer holds or waits for the lock. Panics if 2^30 - 2
  // readers already hold it.
  void lock_shared() FEARLESS_ACQUIRE_SHARED() {
    std::uint32_t s = state_.load(std::memory_order_relaxed);
    // acquire: pairs with the release of the last writer's unlock().
    if (!is_read_lockable(s) ||
        !state_.compare_exchange_weak(s, s + kReadLocked, std::memory_order_acquire, std::memory_order_relaxed))
      read_contended();
  }

  void unlock_shared() noexcept FEARLESS_RELEASE_SHARED() {
    // release: our reads happen-before the next writer's writes.
    const std::uint32_t s = state_.fetch_sub(kReadLocked, std::memory_order_release) - kReadLocked;
    // A reader can only be asleep on a read-locked lock if a writer waits too.
    if (is_unlocked(s) && has_writers_waiting(s)) wake_writer_or_readers(s);
  }

  [[nodiscard]] bool try_lock() noexcept FEARLESS_TRY_ACQUIRE(true) {
    std::uint32_t s = state_.load(std::memory_order_relaxed);
    while (is_unlocked(s)) {
      // acquire: pairs with the release of every unlock.
      if (state_.compare_exchange_weak(s, s + kWriteLocked, std::memory_order_acquire, std::memory_order_relaxed))
        return true;
    }
    return false;
  }

  void lock() noexcept FEARLESS_ACQUIRE() {
    std::uint32_t s = 0;
    // acquire: pairs with the release of every unlock.
    if (!state_.compare_exchange_weak(s, kWriteLocked, std::memory_order_acquire, std::memory_order_relaxed))
      write_contended();
  }

  void unlock() noexcept FEARLESS_RELEASE() {
    // release: our writes happen-before the next holder's acquire.
    const std::uint32_t s = state_.fetch_sub(kWriteLocked, std::memory_order_release) - kWriteLocked;
    if (has_writers_waiting(s) || has_readers_waiting(s)) wake_writer_or_readers(s);
  }

  // Turns the caller's write lock into a read lock without letting a writer
  // in between; readers asleep are woken and may join at once.
  void downgrade() noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    // release: our writes happen-before the readers we let in.
    const std::uint32_t s = state_.fetch_add(kDowngrade, std::memory_order_release);
    if (has_readers_waiting(s)) {
      // Only the write-lock holder (us, until the line above) clears this bit
      // while the lock is held, so no CAS is needed. relaxed: the futex wake
      // and the readers' own CAS order the rest.
      state_.fetch_sub(kReadersWaiting, std::memory_order_relaxed);
      futex_wake_all(state_);
    }
  }

  // Snapshots (relaxed: hints only).
  [[nodiscard]] bool is_locked() const noexcept { return !is_unlocked(state_.load(std::memory_order_relaxed)); }
  [[nodiscard]] bool is_locked_exclusive() const noexcept {
    return is_write_locked(state_.load(std::memory_order_relaxed));
  }

 private:
  static constexpr std::uint32_t kReadLocked = 1;
  static constexpr std::uint32_t kMask = (1u << 30) - 1;
  static constexpr std::uint32_t kWriteLocked = kMask;
  static constexpr std::uint32_t kMaxReaders = kMask - 1;
  static constexpr std::uint32_t kDowngrade = kReadLocked - kWriteLocked;  // wraps: write lock -> one reader
  static constexpr std::uint32_t kReadersWaiting = 1u << 30;
  static constexpr std::uint32_t kWritersWaiting = 1u << 31;
  // How long a reader polls a write-locked lock before it sleeps (about 100
  // polls where a pause takes 19 ns; a duration, see pauses_per_us).
  static constexpr std::uint32_t kReadSpinNs = 2000;

  static constexpr bool is_unlocked(std::uint32_t s) noexcept { return (s & kMask) == 0; }
  static constexpr bool is_write_locked(std::uint32_t s) noexcept { return (s & kMask) == kWriteLocked; }
  static constexpr bool has_readers_waiting(std::uint32_t s) noexcept { return (s & kReadersWaiting) != 0; }
  static constexpr bool has_writers_waiting(std::uint32_t s) noexcept { return (s & kWritersWaiting) != 0; }
  // Not while anything waits: after an unlock the unlocker may be waking a
  // writer, who has priority; it clears the bits and wakes readers as needed.
  // Also false when one more reader would overflow the count.
  static constexpr bool is_read_lockable(std::uint32_t s) noexcept {
    return (s & kMask) < kMaxReaders && !has_readers_waiting(s) && !has_writers_waiting(s);
  }
  // After a downgrade woke us, join the readers even if writers wait: the
  // downgrading writer wants readers in (Rust's rule).
  static constexpr bool is_read_lockable_after_wakeup(std::uint32_t s) noexcept {
    return (s & kMask) < kMaxReaders && !has_readers_waiting(s) && !is_write_locked(s) && !is_unlocked(s);
  }

  template <class Stop>
  std::uint32_t spin_until(Stop stop) const noexcept {
    const std::uint32_t polls = pauses_for_ns(kReadSpinNs);
    for (std::uint32_t i = 0;; ++i) {
      // relaxed: a poll; the acquiring CAS that follows synchronises.
      const std::uint32_t s = state_.load(std::memory_order_relaxed);
      if (stop(s) || i == polls) return s;
      cpu_relax();
    }
  }
  std::uint32_t spin_read() const noexcept {
    return spin_until([](std::uint32_t s) {
      return !is_write_locked(s) || has_readers_waiting(s) || has_writers_waiting(s);
    });
  }
  FEARLESS_NOINLINE void read_contended() {
    std::uint32_t s = spin_read();
    bool has_slept = false;
    for (;;) {
      if ((has_slept && is_read_lockable_after_wakeup(s)) || is_read_lockable(s)) {
        // acquire: pairs with the release of the last writer's unlock().
        if (state_.compare_exchange_weak(s, s + kReadLocked, std::memory_order_acquire, std::memory_order_relaxed))
          return;
        continue;
      }
      if ((s & kMask) == kMaxReaders) panic("RwLock: too many active read locks");
      if (!has_readers_waiting(s)) {
        // relaxed: only announces a sleeper; the unlocker's RMW sees it.
        if (!state_.compare_exchange_weak(s, s | kReadersWaiting, std::memory_order_relaxed,
                                          std::memory_order_relaxed))
          continue;
      }
      futex_wait(state_, s | kReadersWaiting);
      has_slept = true;
      s = spin_read();
    }
  }

  // A writer waits like a contended Mutex: kLockWaitRounds rounds of
  // lock_wait_round (pauses, then yields) while the lock is held and no
  // writer sleeps, then it sleeps. The rounds count across failed CASes: a
  // CAS lost to a writer that took the lock again does not send us to sleep
  // at once (that made two writers hand over through a futex wake-up almost
  // every time, 100x the sleeps of a Mutex under the same load).
  FEARLESS_NOINLINE void write_contended() noexcept {
    // relaxed: a poll; the acquiring CAS below synchronises.
    std::uint32_t s = state_.load(std::memory_order_relaxed);
    std::uint32_t other_writers_waiting = 0;
    int round = 0;
    for (;;) {
      if (is_unlocked(s)) {
        // Keep the waiting bit once we have slept: others may still sleep.
        // acquire: pairs with the release of every unlock.
        if (state_.compare_exchange_weak(s, s | kWriteLocked | other_writers_waiting, std::memory_order_acquire,
                                         std::memory_order_relaxed))
          return;
        continue;
      }
      if (!has_writers_waiting(s) && round < kLockWaitRounds) {
        lock_wait_round(round++);
        s = state_.load(std::memory_order_relaxed);  // relaxed: a poll, as above
        continue;
      }
      if (!has_writers_waiting(s)) {
        // relaxed: only announces a sleeper.
        if (!state_.compare_exchange_weak(s, s | kWritersWaiting, std::memory_order_relaxed,
                                          std::memory_order_relaxed))
          continue;
      }
      other_writers_waiting = kWritersWaiting;
      // Read the counter before re-checking the state so a wake-up between
      // the two is not missed. acquire: pairs with wake_writer()'s release.
      const std::uint32_t seq = writer_notify_.load(std::memory_order_acquire);
      s = state_.load(std::memory_order_relaxed);  // relaxed: re-checked by the CAS above
      if (is_unlocked(s) || !has_writers_waiting(s)) continue;
      futex_wait(writer_notify_, seq);
      round = 0;
      s = state_.load(std::memory_order_relaxed);  // relaxed: a poll, as above
    }
  }

  FEARLESS_NOINLINE void wake_writer_or_readers(std::uint32_t s) noexcept {
    // If the lock is taken again meanwhile, its next unlock does the waking.
    if (s == kWritersWaiting) {
      // relaxed: the wake-up itself is ordered by the futex counter.
      if (state_.compare_exchange_strong(s, 0, std::memory_order_relaxed, std::memory_order_relaxed)) {
        wake_writer();
        return;
      }
    }
    if (s == (kReadersWaiting | kWritersWaiting)) {
      // Leave the readers asleep and wake one writer; its unlock wakes them.
      // Only if no writer was asleep after all (one that set the bit and is
      // about to sleep sees the counter changed and retries) are the readers
      // woken now, as in Rust's std. relaxed: only the waiting bits change;
      // no data is published (the unlock already released it).
      if (!state_.compare_exchange_strong(s, kReadersWaiting, std::memory_order_relaxed, std::memory_order_relaxed))
        return;
      if (wake_writer()) return;
      s = kReadersWaiting;
    }
    if (s == kReadersWaiting) {
      // relaxed: clears the waiting bit of a free lock; sleepers recheck after waking.
      if (state_.compare_exchange_strong(s, 0, std::memory_order_relaxed, std::memory_order_relaxed))
        futex_wake_all(state_);
    }
  }

  // True if a writer was asleep and is woken.
  bool wake_writer() noexcept {
    // release: pairs with the acquire load of writer_notify_ in write_contended().
    writer_notify_.fetch_add(1, std::memory_order_release);
    return futex_wake(writer_notify_, 1) > 0;
  }

  Atomic<std::uint32_t> state_{0};
  Atomic<std::uint32_t> writer_notify_{0};
};

static_assert(sizeof(RawRwLock) == 8);

}  // namespace fearless::detail
