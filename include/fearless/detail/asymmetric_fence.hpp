// Internal: an asymmetric fence pair, for a Dekker-style handshake whose one
// side runs millions of times a second and whose other side is rare.
//
// The pattern (a mutex's unlock against a thread about to sleep on it):
//
//   frequent side:  x.store(1); asymmetric_light_fence(); r1 = y.load();
//   rare side:      y.store(1); asymmetric_heavy_fence(); r2 = x.load();
//
// must never end with r1 == 0 && r2 == 0. A seq_cst fence on both sides does
// that, but on x86 it costs the frequent side a locked instruction (20-40
// cycles, and the store buffer drained). Here the light fence is only a
// compiler barrier, and the heavy fence makes every other running thread of
// the process execute a full barrier: Linux's membarrier(2) with
// MEMBARRIER_CMD_PRIVATE_EXPEDITED interrupts each CPU that runs one of our
// threads (a thread not running passed a full barrier when it was switched
// out). In the C++ memory model the heavy fence acts as a seq_cst fence run
// on every thread at that instant, which is how a signal handler's fences
// pair with atomic_signal_fence; the light side needs no more.
//
// Cost on the 2-vCPU machine the suite runs on: the heavy fence takes 0.35 us
// with no other thread running and 11-12 us when one is (an inter-processor
// interrupt on a virtual machine); the light fence costs nothing at run time.
//
// membarrier may be missing (kernels before 4.14) or filtered (seccomp), and
// registering for it costs 0.6 us in a single-threaded process but 16 ms once
// threads exist (the kernel waits for an RCU grace period). So the mode is
// decided once: at static initialisation, or by the first caller that needs
// it. It is kAsymmetricOn only if registration succeeded while the process
// was single-threaded; otherwise kAsymmetricOff, and callers must then use a
// symmetric protocol (a seq_cst read-modify-write on the frequent side).
// Registration is inherited by fork(). FEARLESS_MEMBARRIER=0 at compile time
// forces kAsymmetricOff (the tests build the fallback that way).
#pragma once
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fearless/detail/config.hpp"
#include "fearless/detail/single_threaded.hpp"

#ifndef FEARLESS_MEMBARRIER
#  if defined(SYS_membarrier) && __has_include(<linux/membarrier.h>)
#    define FEARLESS_MEMBARRIER 1
#  else
#    define FEARLESS_MEMBARRIER 0
#  endif
#endif
#if FEARLESS_MEMBARRIER
#  include <linux/membarrier.h>  // the MEMBARRIER_CMD_* values (an enum, not macros)
#endif

namespace fearless::detail {

inline constexpr std::uint8_t kAsymmetricUnknown = 0;
inline constexpr std::uint8_t kAsymmetricOn = 1;
inline constexpr std::uint8_t kAsymmetricOff = 2;

// The decided mode, read on every unlock: alone on its cache line (written
// once) so that no unrelated write evicts it. One per process (see
// FEARLESS_PROCESS_WIDE): every copy of the library must agree on it.
alignas(64) FEARLESS_PROCESS_WIDE inline std::atomic<std::uint8_t> g_asymmetric_mode{kAsymmetricUnknown};

// Decides the mode (once per process: the first decision published wins) and
// returns it.
FEARLESS_NOINLINE inline std::uint8_t decide_asymmetric_mode() noexcept {
  // relaxed: the value is all there is to read; no data hangs on it.
  std::uint8_t current = g_asymmetric_mode.load(std::memory_order_relaxed);
  if (current != kAsymmetricUnknown) return current;
  std::uint8_t mode = kAsymmetricOff;
#if defined(FEARLESS_INTERLEAVE)
  // The interleaving scheduler runs one thread at a time, so every execution
  // it explores is sequentially consistent already: the light side is
  // exercised as it runs in production, the heavy fence is a no-op.
  mode = kAsymmetricOn;
#elif FEARLESS_MEMBARRIER
  // Registering once threads exist would stall this caller for an RCU grace
  // period (16 ms measured); such a process keeps the symmetric path. (Two
  // threads deciding at once are not single-threaded, so both pick Off.)
  if (process_single_threaded()) {
    const long cmds = ::syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (cmds >= 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0 &&
        ::syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0)
      mode = kAsymmetricOn;
  }
#endif
  // relaxed: readers that still see kAsymmetricUnknown take the symmetric
  // path, which is correct in either mode; the value never changes after this.
  if (!g_asymmetric_mode.compare_exchange_strong(current, mode, std::memory_order_relaxed)) return current;
  return mode;
}

// Decided at static initialisation, while the process is (almost always)
// still single-threaded and registration is cheap.
inline const std::uint8_t g_asymmetric_mode_at_start = decide_asymmetric_mode();

// The mode as last published: kAsymmetricUnknown until decided (callers then
// take the symmetric path, or call decide_asymmetric_mode()).
[[nodiscard]] inline std::uint8_t asymmetric_mode() noexcept {
  // relaxed: a once-written flag, see decide_asymmetric_mode().
  return g_asymmetric_mode.load(std::memory_order_relaxed);
}

// The frequent side: orders the caller's earlier stores before its later
// loads against a concurrent asymmetric_heavy_fence(). Only valid while
// asymmetric_mode() is kAsymmetricOn.
inline void asymmetric_light_fence() noexcept { std::atomic_signal_fence(std::memory_order_seq_cst); }

[[noreturn]] FEARLESS_COLD inline void asymmetric_fence_refused() noexcept {
  std::fputs("fearless: membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) failed after registration\n", stderr);
  std::abort();
}

// The rare side: a full barrier on every running thread of the process when
// the mode is kAsymmetricOn, else a seq_cst fence on this thread (enough when
// the frequent side uses seq_cst read-modify-writes). Never fails: if the
// kernel refused the call after registration succeeded (it cannot, short of
// a seccomp filter installed later), a fence alone would break the protocol,
// so the process aborts instead.
inline void asymmetric_heavy_fence() noexcept {
  std::atomic_thread_fence(std::memory_order_seq_cst);
#if !defined(FEARLESS_INTERLEAVE) && FEARLESS_MEMBARRIER
  std::uint8_t mode = asymmetric_mode();
  if (mode == kAsymmetricUnknown) mode = decide_asymmetric_mode();
  if (mode == kAsymmetricOn && ::syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
    asymmetric_fence_refused();
#endif
}

}  // namespace fearless::detail
