// Internal: the timer flavour behind `tick(d)` — delivers the scheduled
// instant every period; a slow consumer gets one message per receive, and the
// schedule restarts from the moment it was late (no burst of missed ticks),
// as in crossbeam-channel.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/chan/handle.hpp"

namespace fearless::detail::chan {

class Tick {
 public:
  Tick(Deadline first, std::chrono::nanoseconds period) noexcept
      : next_(first.time_since_epoch().count()), period_(period) {}

  bool start_recv(Token& token, bool /*try_mode*/) noexcept {
    for (;;) {
      const Deadline now = Clock::now();
      // acquire: pairs with the CAS that advanced the schedule.
      Clock::rep cur = next_.load(std::memory_order_acquire);
      const Deadline when{Clock::duration(cur)};
      if (now < when) return false;
      // acq_rel: orders the schedule change against other receivers' reads of it.
      if (next_.compare_exchange_weak(cur, advance(now), std::memory_order_acq_rel, std::memory_order_acquire)) {
        token.timer.when = when;
        return true;
      }
    }
  }
  bool read(Token& token, std::optional<Deadline>& out) noexcept {
    out.emplace(token.timer.when);
    return true;
  }
  Status try_recv(std::optional<Deadline>& out) noexcept {
    Token t;
    if (!start_recv(t, true)) return Status::WouldBlock;
    return read(t, out), Status::Ok;
  }
  Status recv(std::optional<Deadline>& out, Deadline deadline) noexcept {
    for (;;) {
      // acquire: as in start_recv.
      Clock::rep cur = next_.load(std::memory_order_acquire);
      const Deadline when{Clock::duration(cur)};
      const Deadline now = Clock::now();
      // A tick that is due is returned even when the deadline has passed
      // (a past deadline is a try).
      if (deadline < when && now < when) {
        sleep_until(deadline);
        return Status::Timeout;
      }
      const Deadline base = now > when ? now : when;
      // acq_rel: as in start_recv.
      if (next_.compare_exchange_weak(cur, advance(base), std::memory_order_acq_rel, std::memory_order_acquire)) {
        if (now < when) sleep_until(when);
        out.emplace(when);
        return Status::Ok;
      }
    }
  }

  std::size_t len() const noexcept { return is_empty() ? 0 : 1; }
  std::size_t capacity() const noexcept { return 1; }
  bool is_disconnected() const noexcept { return false; }  // a timer has no sender to lose
  bool is_empty() const noexcept { return Clock::now() < next(); }
  bool is_full() const noexcept { return !is_empty(); }
  // acquire: as in start_recv.
  Deadline next() const noexcept { return Deadline{Clock::duration(next_.load(std::memory_order_acquire))}; }

  class RecvHandle final : public SelectHandle {
   public:
    explicit RecvHandle(Tick& c) noexcept : c_(c) {}
    bool try_select(Token& t) override { return c_.start_recv(t, false); }
    Deadline deadline() override { return c_.next(); }
    bool register_op(Operation, Context&) override { return is_ready(); }
    void unregister(Operation) override {}
    bool accept(Token& t, Context&) override { return try_select(t); }
    bool is_ready() override { return !c_.is_empty(); }
    bool watch(Operation, Context&) override { return is_ready(); }
    void unwatch(Operation) override {}

   private:
    Tick& c_;
  };

 private:
  // base + period, saturating (a huge period means "once, then never").
  Clock::rep advance(Deadline base) const noexcept {
    const Clock::rep b = base.time_since_epoch().count();
    const Clock::rep p = std::chrono::duration_cast<Clock::duration>(period_).count();
    if (p >= kNoDeadline.time_since_epoch().count() - b) return kNoDeadline.time_since_epoch().count();
    return b + p;
  }

  Atomic<Clock::rep> next_;
  std::chrono::nanoseconds period_;
};

}  // namespace fearless::detail::chan
