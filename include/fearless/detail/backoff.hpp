// Internal: bounded exponential back-off for spin loops.
#pragma once
#include <sched.h>

#include <chrono>
#include <cstdint>

#include "fearless/detail/config.hpp"

namespace fearless::detail {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// Spin a little, then yield, then tell the caller to park. The spin budget is
// deliberately small: when threads outnumber cores the peer we wait for is
// often not running at all, and spinning only delays it (the "spinning cliff").
class Backoff {
 public:
  static constexpr std::uint32_t kSpinLimit = 6;    // up to 2^6 pauses per step
  static constexpr std::uint32_t kYieldLimit = 10;  // then a few sched_yield()s

  // Pure spinning for a lock-free retry loop (the other thread is making progress).
  void spin() noexcept {
    const std::uint32_t n = 1u << (step_ < kSpinLimit ? step_ : kSpinLimit);
    for (std::uint32_t i = 0; i < n; ++i) cpu_relax();
    if (step_ <= kSpinLimit) ++step_;
  }

  // Waiting for another thread to do something: spin first, then yield the CPU.
  void snooze() noexcept {
    if (step_ <= kSpinLimit) {
      for (std::uint32_t i = 0; i < (1u << step_); ++i) cpu_relax();
    } else {
      ::sched_yield();
    }
    if (step_ <= kYieldLimit) ++step_;
  }

  // True once spin() has run its course (about 127 pauses, 2-5 us): a peer
  // that has not finished by then is not running.
  [[nodiscard]] bool is_spun_out() const noexcept { return step_ > kSpinLimit; }
  // True once snoozing has run its course: time to block instead.
  [[nodiscard]] bool is_completed() const noexcept { return step_ > kYieldLimit; }
  void reset() noexcept { step_ = 0; }

 private:
  std::uint32_t step_ = 0;
};

// How many cpu_relax() fit in a microsecond on this CPU, measured once per
// process (a few tens of microseconds, at the first contended lock). A pause
// takes 19 ns on the AMD EPYC vCPU the lock schedule below was tuned on,
// about 40 ns on recent Intel server cores and under 1 ns where it is a
// hint (aarch64's `yield`), so a wait written as a count of pauses would
// last 20 times longer or shorter from one machine to the next.
// The fastest of five samples is kept: a sample during which the thread was
// preempted only reads slower. Clamped to [4, 10000] (250 ns to 0.1 ns a
// pause); a clock too coarse to time a sample gives the upper bound.
inline constexpr std::uint32_t kMinPausesPerUs = 4;
inline constexpr std::uint32_t kMaxPausesPerUs = 10000;
FEARLESS_NOINLINE inline std::uint32_t measure_pauses_per_us() noexcept {
  using Clock = std::chrono::steady_clock;
  constexpr int kPauses = 256;
  std::int64_t best = -1;
  for (int sample = 0; sample < 5; ++sample) {
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < kPauses; ++i) cpu_relax();
    const std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
    if (ns > 0 && (best < 0 || ns < best)) best = ns;
  }
  if (best <= 0) return kMaxPausesPerUs;
  const std::int64_t per_us = std::int64_t{kPauses} * 1000 / best;
  if (per_us < kMinPausesPerUs) return kMinPausesPerUs;
  if (per_us > kMaxPausesPerUs) return kMaxPausesPerUs;
  return static_cast<std::uint32_t>(per_us);
}
inline std::uint32_t pauses_per_us() noexcept {
#if defined(FEARLESS_INTERLEAVE)
  // The exploration build polls once per pause in some waits (RwLock's read
  // spin), and every poll is a scheduling point: a measured figure would
  // change the explored schedules from one run to the next. The smallest
  // figure: a longer spin only repeats the same observation, and multiplies
  // the schedules (the writer + 2 readers search: 12,182 executions at the
  // tuning CPU's 52 per us, 1,384 at 4, both spin outcomes still explored).
  return kMinPausesPerUs;
#else
  static const std::uint32_t v = measure_pauses_per_us();
  return v;
#endif
}
// About `ns` nanoseconds of cpu_relax(), as a count (at least 1).
inline std::uint32_t pauses_for_ns(std::uint32_t ns) noexcept {
  const std::uint64_t n = std::uint64_t{ns} * pauses_per_us() / 1000;
  return n == 0 ? 1 : static_cast<std::uint32_t>(n);
}

// The bounded wait of a contended lock before it sleeps: rounds 0-2 pause for
// about 1.2, 2.4 and 4.8 us (64, 128 and 256 pauses where one takes 19 ns),
// later rounds sched_yield(). Callers poll the lock word
// after each round, try kLockWaitRounds rounds and then sleep. RwLock writers
// and symmetric Mutexes wait like this only while no thread sleeps on the
// lock, so a waiter never overtakes sleepers for long; a Mutex on the
// asymmetric protocol always polls first (its sleepers are counted outside
// the word, and polling first measured faster, see raw_mutex.hpp). Why not
// sleep at once: a futex wake makes the unlocking
// thread enter the kernel and, on a virtual machine, costs tens of
// microseconds of inter-processor interrupt, while the holder of a lock
// usually lets go within a few hundred nanoseconds; the yields also hand the
// CPU to the holder when threads outnumber cores.
// Why polls are this far apart: every poll pulls the lock's cache
// line to the waiter, and the holder's next lock or unlock must take it
// back, a cross-core round trip (80-650 ns measured on the 2-vCPU machine
// the suite runs on). parking_lot's 2, 4 and 8 pauses made the waiters slow
// the holder down: 10M increments on 2-8 threads took 1.2-1.4x parking_lot's
// time when the round trip was slow. 16, 32 and 64 pauses fixed that at a
// 390 ns round trip but not at 450-650 ns (1.3-1.5x again); these measured
// 0.6-1.0x there. Longer polls leave a freed lock idle longer: with work
// outside the lock these cost 0-8% (8%: 4 threads, lock held about as long
// as the work outside), and twice these cost 8-13%, which is why they stop
// here (figures in docs/shared_state.md). The rounds are durations, not
// pause counts (pauses_per_us above), so that they keep these lengths on a
// CPU whose pause is shorter or longer than the one they were measured on.
// FEARLESS_LOCK_WAIT_ROUNDS overrides the count (0: sleep at once).
#ifdef FEARLESS_LOCK_WAIT_ROUNDS
inline constexpr int kLockWaitRounds = FEARLESS_LOCK_WAIT_ROUNDS;
#else
inline constexpr int kLockWaitRounds = 10;
#endif

inline constexpr std::uint32_t kLockWaitRoundNs[3] = {1200, 2400, 4800};

inline void lock_wait_round(int round) noexcept {
  if (round < 3) {
    const std::uint32_t n = pauses_for_ns(kLockWaitRoundNs[round]);
    for (std::uint32_t i = 0; i < n; ++i) cpu_relax();
  } else {
    ::sched_yield();
  }
}

}  // namespace fearless::detail
