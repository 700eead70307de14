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
#include <type_traits>

namespace fearless::detail {

using Clock = std::chrono::steady_clock;
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
    return std::chrono::duration_cast<nanoseconds>(d);
  }
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
template <class C, class D>
Deadline to_deadline(std::chrono::time_point<C, D> t) noexcept {
  if constexpr (std::is_same_v<C, Clock>) {
    if (t >= std::chrono::time_point_cast<D>(kNoDeadline) || t == std::chrono::time_point<C, D>::max()) return kNoDeadline;
    return std::chrono::time_point_cast<Clock::duration>(t);
  } else {
    if (t == std::chrono::time_point<C, D>::max()) return kNoDeadline;
    const auto now = C::now();
    if (t <= now) return Clock::now();
    return deadline_after(t - now);
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
