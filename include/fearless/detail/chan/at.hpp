// Internal: the timer flavour behind `after(d)` and `at(t)` — delivers one
// message, the delivery instant, once that instant has come; afterwards it
// is empty for good (never disconnected).
#pragma once
#include <cstdint>
#include <optional>

#include "fearless/detail/atomic.hpp"
#include "fearless/detail/chan/context.hpp"
#include "fearless/detail/chan/handle.hpp"

namespace fearless::detail::chan {

class At {
 public:
  explicit At(Deadline when) noexcept : when_(when) {}

  bool start_recv(Token& token, bool /*try_mode*/) noexcept {
    // relaxed: an optimistic check; the exchange below decides.
    if (received_.load(std::memory_order_relaxed)) return false;
    if (Clock::now() < when_) return false;
    if (received_.exchange(true, std::memory_order_seq_cst)) return false;
    token.timer.when = when_;
    return true;
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
    // relaxed: as in start_recv.
    if (received_.load(std::memory_order_relaxed)) {
      sleep_until(deadline);
      return Status::Timeout;
    }
    // A message that is due is returned even when the deadline has passed
    // (a past deadline is a try).
    if (deadline < when_ && Clock::now() < when_) {
      sleep_until(deadline);
      return Status::Timeout;
    }
    sleep_until(when_);
    if (received_.exchange(true, std::memory_order_seq_cst)) {
      // A clone of this receiver took the one message meanwhile.
      sleep_until(deadline);
      return Status::Timeout;
    }
    out.emplace(when_);
    return Status::Ok;
  }

  std::size_t len() const noexcept { return is_empty() ? 0 : 1; }
  std::size_t capacity() const noexcept { return 1; }
  bool is_disconnected() const noexcept { return false; }  // a timer has no sender to lose
  bool is_empty() const noexcept {
    // relaxed: a snapshot.
    return received_.load(std::memory_order_relaxed) || Clock::now() < when_;
  }
  bool is_full() const noexcept { return !is_empty(); }

  class RecvHandle final : public SelectHandle {
   public:
    explicit RecvHandle(At& c) noexcept : c_(c) {}
    bool try_select(Token& t) override { return c_.start_recv(t, false); }
    Deadline deadline() override {
      // relaxed: a snapshot; a late change only costs one extra wake-up.
      return c_.received_.load(std::memory_order_relaxed) ? kNoDeadline : c_.when_;
    }
    bool register_op(Operation, Context&) override { return is_ready(); }
    void unregister(Operation) override {}
    bool accept(Token& t, Context&) override { return try_select(t); }
    bool is_ready() override { return !c_.is_empty(); }
    bool watch(Operation, Context&) override { return is_ready(); }
    void unwatch(Operation) override {}

   private:
    At& c_;
  };

 private:
  Deadline when_;
  Atomic<bool> received_{false};
};

}  // namespace fearless::detail::chan
