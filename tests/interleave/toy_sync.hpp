// Small synchronisation objects built only for the interleaving tests, each in
// a correct form and in a deliberately broken form (Broken = true). The broken
// forms carry the classic bugs the scheduler must find within its bound:
// a check-then-act race that loses a parker's token, a condition variable that
// reads its sequence number after releasing the mutex (a lost wake-up), and a
// lock whose test and set are separate operations (no mutual exclusion).
#pragma once
#include <cstdint>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/futex.hpp"

namespace fearless_test::toy {

using fearless::detail::Atomic;

// One-token parker. Correct: the same state machine as detail::Parker.
template <bool Broken>
class Parker {
 public:
  void park() {
    if constexpr (Broken) {
      // BUG: the token check and the PARKED store are separate steps; an
      // unpark() between them is overwritten and the wake-up never comes.
      if (state_.load() == kNotified) {
        state_.store(kEmpty);
        return;
      }
      state_.store(kParked);
      while (state_.load() == kParked) fearless::detail::futex_wait(state_, kParked);
      state_.store(kEmpty);
    } else {
      if (state_.fetch_sub(1) == kNotified) return;
      for (;;) {
        fearless::detail::futex_wait(state_, kParked);
        std::uint32_t e = kNotified;
        if (state_.compare_exchange_strong(e, kEmpty)) return;
      }
    }
  }
  void unpark() {
    if (state_.exchange(kNotified) == kParked) fearless::detail::futex_wake(state_, 1);
  }

 private:
  static constexpr std::uint32_t kEmpty = 0, kNotified = 1, kParked = UINT32_MAX;
  Atomic<std::uint32_t> state_{kEmpty};
};

// Futex mutex (0 free, 1 locked, 2 locked with waiters). Broken: test-and-set
// as a load followed by a store.
template <bool Broken>
class Mutex {
 public:
  void lock() {
    if constexpr (Broken) {
      for (;;) {
        if (state_.load() == 0) {
          state_.store(1);  // BUG: another thread may have taken it since the load
          return;
        }
        fearless::detail::futex_wait(state_, 1);
      }
    } else {
      std::uint32_t c = 0;
      if (state_.compare_exchange_strong(c, 1)) return;
      if (c != 2) c = state_.exchange(2);
      while (c != 0) {
        fearless::detail::futex_wait(state_, 2);
        c = state_.exchange(2);
      }
    }
  }
  void unlock() {
    if (state_.exchange(0) == 2 || Broken) fearless::detail::futex_wake(state_, 1);
  }

 private:
  Atomic<std::uint32_t> state_{0};
};

// Sequence-number condition variable. Broken: samples the sequence after
// unlocking, so a notify that slips in between is lost.
template <bool Broken>
class Condvar {
 public:
  template <class M>
  void wait(M& m) {
    std::uint32_t s = 0;
    if constexpr (!Broken) s = seq_.load();
    m.unlock();
    if constexpr (Broken) s = seq_.load();  // BUG: too late
    fearless::detail::futex_wait(seq_, s);
    m.lock();
  }
  void notify_one() {
    seq_.fetch_add(1);
    fearless::detail::futex_wake(seq_, 1);
  }

 private:
  Atomic<std::uint32_t> seq_{0};
};

}  // namespace fearless_test::toy
