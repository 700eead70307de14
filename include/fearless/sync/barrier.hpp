// fearless/sync/barrier.hpp — Barrier: n threads wait until all n arrived
// (Rust's std::sync::{Barrier, BarrierWaitResult}).
//
//   fearless::sync::Barrier b(4);
//   // in each of 4 threads:
//   if (b.wait().is_leader()) { /* exactly one thread per round */ }
//
// Reusable: once n threads have arrived they are released together and the
// next n calls form the next round.
//
// Movable (as Rust's Barrier) while no thread waits in it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/backoff.hpp"
#include "fearless/detail/config.hpp"
#include "fearless/detail/futex.hpp"
#include "fearless/detail/raw_mutex.hpp"
#include "fearless/panic.hpp"

namespace fearless::sync {

// What Barrier::wait returns.
class BarrierWaitResult {
 public:
  // Internal (Barrier::wait builds it).
  constexpr explicit BarrierWaitResult(bool leader) noexcept : leader_(leader) {}
  // True for exactly one thread of each round (the last to arrive).
  [[nodiscard]] constexpr bool is_leader() const noexcept { return leader_; }
  // Equal when both are (or both are not) the leader's.
  friend constexpr bool operator==(BarrierWaitResult, BarrierWaitResult) noexcept = default;

 private:
  bool leader_;
};

// A reusable rendezvous for `n` threads. No heap. Movable, not copyable.
//
// Move contract (exclusive use, as for moving any C++ object): the new
// Barrier releases groups of the same `n` and starts a fresh round; the
// moved-from one is unchanged and stays usable. A thread that has arrived in
// the current round and is not yet released (or is inside wait() right now)
// would be stranded, so the move panics with "cannot move a Barrier while
// threads are waiting in it" instead. Never blocks.
class Barrier {
 public:
  // A barrier releasing threads in groups of `n`. n == 0 behaves as n == 1
  // (wait() never blocks), as in Rust.
  constexpr explicit Barrier(std::size_t n) noexcept : n_(n) {}
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;
  // See the class comment.
  Barrier(Barrier&& o) : n_(o.n_for_move("cannot move a Barrier")) {}
  // As the move constructor; this Barrier must have no waiters either
  // ("cannot assign to a Barrier while ..."). It keeps its generation
  // counter: a thread just released from it, still on its way out of wait(),
  // goes on seeing its round as over. Self-assignment does nothing.
  Barrier& operator=(Barrier&& o) {
    if (this != &o) {
      const std::size_t n = o.n_for_move("cannot move a Barrier");
      (void)n_for_move("cannot assign to a Barrier");
      n_ = n;
    }
    return *this;
  }

  // Blocks until `n` threads (this one included) have called wait() in this
  // round; then all return, one of them with is_leader() true. Waiters spin
  // briefly, then sleep on a futex.
  BarrierWaitResult wait() const {
    lock_.lock();
    // relaxed: read and written only under lock_.
    const std::uint32_t gen = generation_.load(std::memory_order_relaxed);
    if (++count_ < n_) {
      lock_.unlock();
      fearless::detail::Backoff backoff;
      // acquire: pairs with the leader's release, so everything done before
      // the barrier by every thread is visible after it.
      while (generation_.load(std::memory_order_acquire) == gen) {
        if (!backoff.is_completed()) {
          backoff.snooze();
        } else {
          fearless::detail::futex_wait(generation_, gen);
        }
      }
      return BarrierWaitResult(false);
    }
    count_ = 0;
    // release: see the waiters' acquire above.
    generation_.store(gen + 1, std::memory_order_release);
    lock_.unlock();
    fearless::detail::futex_wake_all(generation_);
    return BarrierWaitResult(true);
  }

 private:
  // n_, after checking that no thread is in wait() (holding lock_) or
  // arrived and unreleased (count_ > 0); panics otherwise.
  std::size_t n_for_move(const char* action) const {
    bool idle = false;
    if (lock_.try_lock()) {  // never blocks: a held lock_ means a thread is inside wait()
      idle = count_ == 0;
      lock_.unlock();
    }
    if (!idle) busy_panic(action);
    return n_;
  }
  [[noreturn]] FEARLESS_COLD static void busy_panic(const char* action) {
    fearless::panic(std::string(action) + " while threads are waiting in it");
  }

  mutable fearless::detail::RawMutex lock_;
  // The futex word: bumped when a round completes. A thread cannot miss a
  // round's change, since every round needs it to arrive.
  mutable fearless::detail::Atomic<std::uint32_t> generation_{0};
  mutable std::size_t count_ FEARLESS_GUARDED_BY(lock_) = 0;
  std::size_t n_;  // written only by a move assignment, which has exclusive use
};

}  // namespace fearless::sync
