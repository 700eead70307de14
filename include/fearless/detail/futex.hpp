// Internal: the Linux futex, the one blocking primitive fearless parks on.
#pragma once
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "fearless/detail/atomic.hpp"
#include <cerrno>
#include <climits>
#include <cstdint>

#include "fearless/detail/time.hpp"

namespace fearless::detail {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

// Real futexes; in FEARLESS_INTERLEAVE builds detail/interleave_atomic.hpp
// supplies futex_wait/futex_wake that block under the test scheduler instead.
#if !defined(FEARLESS_INTERLEAVE)

// Block while *word == expected, until woken or `deadline` passes (absolute,
// steady clock). Returns false only on time-out; spurious wake-ups return true,
// so callers always re-check their condition.
inline bool futex_wait(const Atomic<std::uint32_t>& word, std::uint32_t expected,
                       Deadline deadline = kNoDeadline) noexcept {
  timespec ts{};
  const timespec* tsp = nullptr;
  if (deadline != kNoDeadline) {
    ts = to_timespec(deadline);
    tsp = &ts;
  }
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so a loop of
  // spurious wake-ups never stretches the total wait.
  const long r = ::syscall(SYS_futex, reinterpret_cast<const std::uint32_t*>(&word),
                           FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tsp, nullptr,
                           FUTEX_BITSET_MATCH_ANY);
  return !(r == -1 && errno == ETIMEDOUT);
}

// Wake up to `n` threads blocked on `word`.
// Wakes up to `n` threads blocked on `word`; returns how many it woke (0 when
// none was asleep there, also on error).
inline int futex_wake(const Atomic<std::uint32_t>& word, int n = 1) noexcept {
  const long r = ::syscall(SYS_futex, reinterpret_cast<const std::uint32_t*>(&word), FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
                           n, nullptr, nullptr, 0);
  return r > 0 ? static_cast<int>(r) : 0;
}

inline void futex_wake_all(const Atomic<std::uint32_t>& word) noexcept { futex_wake(word, INT_MAX); }

#endif  // !FEARLESS_INTERLEAVE (the interleaving mode provides scheduler-controlled versions)

}  // namespace fearless::detail
