// Internal: the futex condition variable under Condvar and nonpoison::Condvar.
#pragma once
#include <cstdint>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/futex.hpp"
#include "fearless/detail/lock_order.hpp"
#include "fearless/detail/raw_mutex.hpp"
#include "fearless/detail/site.hpp"
#include "fearless/detail/time.hpp"
#include "fearless/panic.hpp"

namespace fearless::detail {

// 8 bytes: a notification counter (the futex word) and a count of waiters,
// so notify_one/notify_all cost no system call when nobody waits.
//
// No lost wake-ups: a waiter registers and reads the counter while it still
// holds the mutex, then sleeps only while the counter is unchanged; a notify
// bumps the counter before looking for waiters. Both sides use seq_cst, so
// either the notifier sees the waiter or the waiter sees the new counter.
// Like every futex condvar it may wake spuriously; callers loop.
class RawCondvar {
 public:
  constexpr RawCondvar() noexcept = default;
  RawCondvar(const RawCondvar&) = delete;
  RawCondvar& operator=(const RawCondvar&) = delete;

  // Releases `m` (held by the caller), sleeps until notified, `deadline`
  // passes or a spurious wake-up, then reacquires `m`. Returns false if it
  // timed out. Reports the release and reacquisition to the lock-order hooks.
  bool wait(RawMutex& m, Deadline deadline, Site site) noexcept FEARLESS_NO_THREAD_SAFETY_ANALYSIS {
    // seq_cst (both): the Dekker pairing with notify() described above.
    waiters_.fetch_add(1, std::memory_order_seq_cst);
    const std::uint32_t seq = seq_.load(std::memory_order_seq_cst);
    lock_order::on_unlock(&m);
    m.unlock();
    bool notified = true;
    if (deadline != kNoDeadline && Clock::now() >= deadline) {
      notified = false;
    } else {
      notified = futex_wait(seq_, seq, deadline);
    }
    // release: pairs with the acquire in panic_if_waited_on(), so a Condvar
    // move that finds no waiter also finds this one done with the object.
    // Apart from that the count only lets notifies skip the system call.
    waiters_.fetch_sub(1, std::memory_order_release);
    lock_order::before_lock(&m, site);
    m.lock();
    lock_order::on_locked(&m, site);
    return notified;
  }

  void notify_one() noexcept {
    // seq_cst: see the class comment.
    seq_.fetch_add(1, std::memory_order_seq_cst);
    if (waiters_.load(std::memory_order_seq_cst) != 0) futex_wake(seq_, 1);
  }

  void notify_all() noexcept {
    // seq_cst: see the class comment.
    seq_.fetch_add(1, std::memory_order_seq_cst);
    if (waiters_.load(std::memory_order_seq_cst) != 0) futex_wake_all(seq_);
  }

  // What moving a Condvar checks: panics (fearless::Panic) while a thread is
  // inside wait() on this one. Such a thread stays asleep on the moved-from
  // object, so notifies sent to the new one would never reach it, and the
  // moved-from object is often destroyed next (a std::vector growing).
  void panic_if_waited_on() const {
    // acquire: pairs with the release decrement in wait().
    if (waiters_.load(std::memory_order_acquire) != 0) waited_on();
  }

 private:
  [[noreturn]] FEARLESS_COLD static void waited_on() { panic("cannot move a Condvar while threads wait on it"); }

  Atomic<std::uint32_t> seq_{0};
  Atomic<std::uint32_t> waiters_{0};
};

static_assert(sizeof(RawCondvar) == 8);

}  // namespace fearless::detail
