// Internal: a one-token park/unpark primitive (Rust's thread parker).
#pragma once
#include <atomic>

#include "fearless/detail/atomic.hpp"
#include <cstdint>

#include "fearless/detail/futex.hpp"
#include "fearless/detail/time.hpp"

namespace fearless::detail {

// State machine (the token is "NOTIFIED"):
//   EMPTY --park--> PARKED --unpark--> NOTIFIED --park returns--> EMPTY
//   EMPTY --unpark--> NOTIFIED (an unpark before park is remembered)
// Invariant: at most one thread parks on a Parker at a time (its owner).
class Parker {
 public:
  // Block until unpark() is called (or has been called since the last park).
  // May return spuriously; callers loop on their own condition.
  void park() noexcept {
    // acquire: pairs with the release in unpark(), so what the unparker wrote
    // before unparking is visible after we return.
    if (state_.fetch_sub(1, std::memory_order_acquire) == kNotified) return;  // NOTIFIED -> EMPTY
    // Now PARKED (EMPTY - 1 wraps to kParked).
    for (;;) {
      futex_wait(state_, kParked);
      std::uint32_t expected = kNotified;
      // acquire: pairs with unpark()'s release swap.
      if (state_.compare_exchange_strong(expected, kEmpty, std::memory_order_acquire,
                                         std::memory_order_relaxed))
        return;
      // Spurious futex wake-up: still PARKED, wait again.
    }
  }

  // Like park(), but gives up at `deadline`. Returns true if a token was consumed.
  bool park_until(Deadline deadline) noexcept {
    if (state_.fetch_sub(1, std::memory_order_acquire) == kNotified) return true;
    futex_wait(state_, kParked, deadline);
    // Whatever woke us (token, time-out or spurious), leave the PARKED state;
    // acquire pairs with unpark()'s release.
    return state_.exchange(kEmpty, std::memory_order_acquire) == kNotified;
  }

  // Make the token available; wakes the owner if it is parked.
  void unpark() noexcept {
    // release: publishes the unparker's writes to the parked thread.
    if (state_.exchange(kNotified, std::memory_order_release) == kParked) futex_wake(state_, 1);
  }

 private:
  static constexpr std::uint32_t kEmpty = 0;
  static constexpr std::uint32_t kNotified = 1;
  static constexpr std::uint32_t kParked = UINT32_MAX;  // "-1"
  Atomic<std::uint32_t> state_{kEmpty};
};

}  // namespace fearless::detail
