// fearless/sync/mpmc/timer.hpp — timer channels, as in crossbeam-channel.
//
//   auto timeout = mpmc::after(500ms);     // one message, 500 ms from now
//   auto ticker  = mpmc::tick(100ms);      // a message every 100 ms
//   auto off     = mpmc::never<int>();     // never a message (disables a select arm)
//
// They are ordinary Receivers (of Instant, the scheduled delivery time), so
// they work with recv/recv_timeout/try_recv and in Select. They never
// disconnect; they have no senders.
#pragma once
#include <chrono>

#include "fearless/detail/chan/counter.hpp"
#include "fearless/detail/time.hpp"
#include "fearless/sync/mpmc/channel.hpp"

namespace fearless::sync::mpmc {

// Wraps a channel without senders (timers, never) into its first receiver.
// Not inlined: the flavour dispatch of the returned receiver should not be
// specialised on the allocation (g++ then warns about the flavours it is not).
template <class T>
FEARLESS_NOINLINE Receiver<T> receiver_only(detail_chan::Shared<T>* s) {
  // No sender will ever release this channel: the last receiver frees it.
  s->senders.store(0, std::memory_order_relaxed);   // relaxed: not shared yet
  s->destroy.store(true, std::memory_order_relaxed);  // relaxed: not shared yet
  return Receiver<T>(s);
}

template <class T>
[[nodiscard]] Receiver<T> never();

// A channel that delivers one message, the instant it fires, once `d` has
// elapsed (zero or negative: at once). Capacity 1; never disconnected. A `d`
// so large that now + d is past steady_clock's range (about 292 years from
// its epoch) gives never() (capacity 0), as crossbeam does past Instant's
// much larger range. Not blocking; O(1).
template <class Rep, class Period>
[[nodiscard]] Receiver<Instant> after(std::chrono::duration<Rep, Period> d) {
  const auto when = fearless::detail::deadline_after(d);
  if (when == fearless::detail::kNoDeadline) return never<Instant>();
  return receiver_only(new detail_chan::Counter<Instant, detail_chan::At>(detail_chan::Flavor::At, when));
}

// A channel that delivers one message at the time point `t` of any clock
// (in the past: at once; time_point::max(): never). The message is that
// instant as a steady_clock time point: `t` itself for a steady_clock `t`;
// for another clock, `t` carried over to steady_clock when at() is called,
// or the time of that call when `t` had already passed.
template <class Clock, class Dur>
[[nodiscard]] Receiver<Instant> at(std::chrono::time_point<Clock, Dur> t) {
  return receiver_only(
      new detail_chan::Counter<Instant, detail_chan::At>(detail_chan::Flavor::At, fearless::detail::to_deadline(t)));
}

// A channel that delivers a message every `period`, starting one period from
// now; the message is the scheduled instant. Capacity 1; never disconnected.
// A receiver that falls behind gets one message (the missed ticks are
// dropped), and the schedule resumes one period after that. A period so
// large that now + period is past steady_clock's range gives never() (as
// crossbeam past Instant's range; see after). Not blocking; O(1).
template <class Rep, class Period>
[[nodiscard]] Receiver<Instant> tick(std::chrono::duration<Rep, Period> period) {
  const auto p = fearless::detail::saturating_ns(period);
  const auto first = fearless::detail::deadline_after(p);
  if (first == fearless::detail::kNoDeadline) return never<Instant>();
  return receiver_only(new detail_chan::Counter<Instant, detail_chan::Tick>(detail_chan::Flavor::Tick, first, p));
}

// A channel that never delivers and never disconnects: recv blocks forever
// (recv_timeout times out), try_recv is always Empty. Capacity 0, len 0,
// always empty and full. Switches a select arm off. O(1).
template <class T>
[[nodiscard]] Receiver<T> never() {
  return receiver_only<T>(
      new detail_chan::Counter<T, detail_chan::Never<detail_chan::Stored<T>>>(detail_chan::Flavor::Never));
}

}  // namespace fearless::sync::mpmc
