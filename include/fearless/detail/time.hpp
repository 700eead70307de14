// Internal: turning user timeouts into deadlines without overflow.
//
// Every timed operation in fearless takes any std::chrono duration or time
// point. These helpers clamp instead of overflowing: a negative, zero or NaN
// timeout means "do not wait", a huge one (hours::max(), time_point::max())
// means "wait forever".
#pragma once
#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <ratio>
#include <type_traits>

namespace fearless::detail {

#if defined(FEARLESS_INTERLEAVE)
namespace interleave {
// The time seen by threads that the interleaving-exploration scheduler
// (tests/interleave/scheduler.hpp) controls. Their time is virtual: it moves
// only when they read it and when the scheduler lets a timed wait time out,
// so that replaying a schedule replays every deadline check and every spin
// that is bounded by a duration, however slowly the build runs.
class VirtualClock {
 public:
  virtual std::chrono::steady_clock::time_point now() noexcept = 0;

 protected:
  ~VirtualClock() = default;
};
// The virtual clock of the calling thread, or nullptr (real time).
inline thread_local VirtualClock* virtual_clock = nullptr;
}  // namespace interleave

// steady_clock, except on threads that run under the exploration scheduler.
struct Clock {
  using rep = std::chrono::steady_clock::rep;
  using period = std::chrono::steady_clock::period;
  using duration = std::chrono::steady_clock::duration;
  using time_point = std::chrono::steady_clock::time_point;
  static constexpr bool is_steady = true;
  static time_point now() noexcept {
    if (interleave::VirtualClock* c = interleave::virtual_clock) return c->now();
    return std::chrono::steady_clock::now();
  }
};
#else
using Clock = std::chrono::steady_clock;
#endif
using Deadline = Clock::time_point;

inline constexpr Deadline kNoDeadline = Deadline::max();

// A duration of any representation, clamped to [0, nanoseconds::max()].
template <class Rep, class Period>
constexpr std::chrono::nanoseconds saturating_ns(std::chrono::duration<Rep, Period> d) noexcept {
  using std::chrono::nanoseconds;
  // long double has a 64-bit mantissa on x86_64: exact enough to decide
  // whether the value fits, for every integer and floating representation.
  const long double ns = static_cast<long double>(d.count()) * Period::num * 1'000'000'000.0L / Period::den;
  if (std::isnan(ns) || ns <= 0.0L) return nanoseconds::zero();
  if (ns >= static_cast<long double>(nanoseconds::max().count())) return nanoseconds::max();
  if constexpr (std::is_floating_point_v<Rep>) {
    return nanoseconds(static_cast<std::int64_t>(ns));
  } else {
    // Exact truncation like duration_cast, but with a 128-bit intermediate:
    // duration_cast's count * num may overflow even when the result fits
    // (e.g. ratio<1, 3>).
    using CF = std::ratio_divide<Period, std::nano>;
    __extension__ using wide = __int128;
    return nanoseconds(static_cast<std::int64_t>(static_cast<wide>(d.count()) * CF::num / CF::den));
  }
}

// A duration's value in nanoseconds as a long double (never overflows).
template <class Rep, class Period>
constexpr long double as_ns_ld(std::chrono::duration<Rep, Period> d) noexcept {
  return static_cast<long double>(d.count()) * Period::num * 1'000'000'000.0L / Period::den;
}

// now + d, saturating at kNoDeadline.
template <class Rep, class Period>
Deadline deadline_after(std::chrono::duration<Rep, Period> d) noexcept {
  const auto ns = saturating_ns(d);
  const auto now = Clock::now();
  if (ns >= kNoDeadline - now) return kNoDeadline;
  return now + std::chrono::duration_cast<Clock::duration>(ns);
}

// A time point of any clock as a steady_clock deadline. A point in the past is
// "now" (an immediate time-out); Clock::time_point::max() is "never".
// Comparisons and differences are taken in long double nanoseconds: in the
// common type of D and the clock's unit they overflow for coarse units (a
// time_point in hours far from now) and fine ones.
template <class C, class D>
Deadline to_deadline(std::chrono::time_point<C, D> t) noexcept {
  if (t == std::chrono::time_point<C, D>::max()) return kNoDeadline;
  constexpr long double kMaxNs = static_cast<long double>(std::chrono::nanoseconds::max().count());
  if constexpr (std::is_same_v<C, Deadline::clock>) {
    const long double ns = as_ns_ld(t.time_since_epoch());
    if (std::isnan(ns)) return Clock::now();
    if (ns >= kMaxNs) return kNoDeadline;
    if (ns <= -kMaxNs) return Deadline::min();
    if (ns >= 0.0L) return Deadline(saturating_ns(t.time_since_epoch()));
    return Deadline(std::chrono::nanoseconds(static_cast<std::int64_t>(ns)));  // before the epoch: long past
  } else {
    const long double diff = as_ns_ld(t.time_since_epoch()) - as_ns_ld(C::now().time_since_epoch());
    if (!(diff > 0.0L)) return Clock::now();  // past, or NaN
    return deadline_after(std::chrono::duration<long double, std::nano>(diff));
  }
}

// Absolute CLOCK_MONOTONIC timespec for a deadline (steady_clock is
// CLOCK_MONOTONIC on Linux); nullptr-able via has_value semantics of caller.
inline timespec to_timespec(Deadline d) noexcept {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d.time_since_epoch()).count();
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  if (ts.tv_nsec < 0) { ts.tv_nsec = 0; }
  if (ts.tv_sec < 0) { ts.tv_sec = 0; }
  return ts;
}

}  // namespace fearless::detail
